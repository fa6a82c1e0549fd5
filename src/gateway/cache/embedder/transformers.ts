/**
 * Optional sentence-model embedder on transformers.js (`@huggingface/transformers`, loaded with a dynamic
 * import so the gateway runs without it). Mean pooling over the attention mask, then L2 normalisation
 * (the sentence-transformers recipe for all-MiniLM-L6-v2). Models come from a local folder
 * (`localPath/<model id>/`) or, when allowed, the Hugging Face hub. A missing model fails with a message
 * that names the missing file and what to do.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve, dirname, basename } from 'node:path';
import type { Embedder } from './types.js';

export interface TransformersEmbedderOptions {
  /** Model id ("Xenova/all-MiniLM-L6-v2") or an absolute path to a model folder. */
  model: string;
  /** Folder that holds `<model id>/` (transformers.js `env.localModelPath`). */
  localPath?: string;
  /** Let transformers.js download from the hub (default: only when no localPath is given). */
  allowRemote?: boolean;
  /** Weights variant: q8 -> onnx/model_quantized.onnx (default), fp32 -> onnx/model.onnx. */
  dtype?: 'q8' | 'fp32' | 'fp16' | 'int8' | 'uint8' | 'q4';
  /** Where downloaded models are cached (transformers.js `env.cacheDir`). */
  cacheDir?: string;
  /** Longest input in tokens (longer prompts are truncated). */
  maxTokens?: number;
}

const WEIGHT_FILE: Record<string, string> = {
  q8: 'model_quantized.onnx', fp32: 'model.onnx', fp16: 'model_fp16.onnx', int8: 'model_int8.onnx', uint8: 'model_uint8.onnx', q4: 'model_q4.onnx',
};

interface TensorLike {
  dims: number[];
  data: ArrayLike<number | bigint>;
}
type Tokenizer = (texts: string[], o: Record<string, unknown>) => Record<string, TensorLike>;
type Model = ((inputs: Record<string, TensorLike>) => Promise<Record<string, TensorLike>>) & { dispose?: () => Promise<void> };

export class TransformersEmbedder implements Embedder {
  private tokenizer: Tokenizer | undefined;
  private model: Model | undefined;
  private loading: Promise<void> | undefined;
  private hidden = 0;
  private readonly modelId: string;
  private readonly localPath: string | undefined;

  constructor(private readonly opts: TransformersEmbedderOptions) {
    if (isAbsolute(opts.model)) {
      this.localPath = dirname(opts.model);
      this.modelId = basename(opts.model);
    } else {
      this.localPath = opts.localPath ? resolve(opts.localPath) : undefined;
      this.modelId = opts.model;
    }
  }

  get id(): string {
    return `transformers:${this.modelId}:${this.opts.dtype ?? 'q8'}`;
  }
  get dim(): number {
    return this.hidden;
  }

  load(): Promise<void> {
    this.loading ??= this.doLoad().catch((e: unknown) => {
      this.loading = undefined; // a later call may retry (e.g. after the user adds the file)
      throw e;
    });
    return this.loading;
  }

  private async doLoad(): Promise<void> {
    const dtype = this.opts.dtype ?? 'q8';
    const allowRemote = this.opts.allowRemote ?? !this.localPath;
    const weights = `onnx/${WEIGHT_FILE[dtype] ?? 'model_quantized.onnx'}`;
    if (this.localPath) {
      const dir = join(this.localPath, this.modelId);
      const missing = ['config.json', 'tokenizer.json', weights].filter((f) => !existsSync(join(dir, f)));
      if (missing.length && !allowRemote) {
        throw new Error(
          `Embedding model "${this.modelId}" is incomplete in ${dir}: missing ${missing.join(', ')}. ` +
            `Copy the model's files there (for ${dtype} weights the file is ${weights}), point the embedder model path ` +
            'setting at a complete folder, or use the bundled embedder (cache embedder = "bundled").',
        );
      }
    }
    let lib: typeof import('@huggingface/transformers');
    try {
      lib = await import('@huggingface/transformers');
    } catch (e) {
      throw new Error(`The transformers.js embedder needs the package @huggingface/transformers, which could not be loaded (${(e as Error).message}). Install it or use the bundled embedder.`);
    }
    const { env, AutoTokenizer, AutoModel } = lib;
    env.allowRemoteModels = allowRemote;
    env.allowLocalModels = true;
    if (this.localPath) env.localModelPath = this.localPath.endsWith('/') ? this.localPath : `${this.localPath}/`;
    if (this.opts.cacheDir) env.cacheDir = this.opts.cacheDir;
    try {
      this.tokenizer = (await AutoTokenizer.from_pretrained(this.modelId)) as unknown as Tokenizer;
      this.model = (await AutoModel.from_pretrained(this.modelId, { dtype })) as unknown as Model;
    } catch (e) {
      const msg = (e as Error).message;
      throw new Error(
        `Embedding model "${this.modelId}" could not be loaded${this.localPath ? ` from ${this.localPath}` : ''}: ${msg}. ` +
          (allowRemote
            ? 'Check the network connection and the model id, or use the bundled embedder.'
            : `Put the model folder (with ${weights}) under the local model path, or use the bundled embedder.`),
      );
    }
    // Probe once for the hidden size (also proves the graph runs).
    const [probe] = await this.embedLoaded(['probe']);
    this.hidden = probe.length;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    await this.load();
    return this.embedLoaded(texts);
  }

  private async embedLoaded(texts: string[]): Promise<Float32Array[]> {
    if (!texts.length) return [];
    const inputs = this.tokenizer!(texts, { padding: true, truncation: true, max_length: this.opts.maxTokens ?? 256 });
    const out = await this.model!(inputs);
    const hiddenState = out.last_hidden_state ?? out.token_embeddings ?? Object.values(out)[0];
    return meanPoolNormalize(hiddenState, inputs.attention_mask);
  }
}

/** Mean of the token vectors where attention_mask is 1, then L2 normalisation. Exported for tests. */
export function meanPoolNormalize(hiddenState: TensorLike, mask: TensorLike): Float32Array[] {
  const [batch, seq, hidden] = hiddenState.dims;
  const data = hiddenState.data as ArrayLike<number>;
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float32Array(hidden);
    let n = 0;
    for (let s = 0; s < seq; s++) {
      if (Number(mask.data[b * seq + s]) === 0) continue;
      n++;
      const off = (b * seq + s) * hidden;
      for (let h = 0; h < hidden; h++) v[h] += data[off + h];
    }
    let norm = 0;
    for (let h = 0; h < hidden; h++) {
      v[h] /= n || 1;
      norm += v[h] * v[h];
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let h = 0; h < hidden; h++) v[h] /= norm;
    out.push(v);
  }
  return out;
}
