/**
 * Word lists the semantic cache's verifier relies on: negation cues, polarity-sensitive words (antonym
 * pairs, quantifiers), programming languages / data formats / units, directional markers, number words,
 * stop words and "filler" words a paraphrase may add or drop. Pure data, no state. The embedder build script
 * also reads these lists so every word here gets a vector in the bundled asset even when it is rare in
 * GloVe's news corpus (e.g. "yaml").
 */

/**
 * Negation cues, canonicalised: not / n't / no / never / none… all count as one "not" (their number must
 * match: "not … not" is not "not"); without, except and unless are kept apart.
 */
export const NEGATION_CUES: Record<string, string> = {
  not: 'not', "n't": 'not', nt: 'not', cannot: 'not', cant: 'not', dont: 'not', doesnt: 'not', didnt: 'not',
  isnt: 'not', arent: 'not', wasnt: 'not', werent: 'not', wont: 'not', shouldnt: 'not', couldnt: 'not', wouldnt: 'not',
  never: 'not', no: 'not', none: 'not', nothing: 'not', nobody: 'not', nowhere: 'not', neither: 'not', nor: 'not',
  without: 'without', except: 'except', excluding: 'except', unless: 'unless',
};

/**
 * Antonym groups: when one side uses a member the other side lacks and the other side uses a different
 * member of the same group, the requests ask opposite things ("enable" vs "disable" embed close together).
 * Members of one group are pairwise opposites (or pairwise distinct, like weekdays); synonyms never share a
 * group, so "delete" vs "remove" is not a conflict.
 */
export const ANTONYM_GROUPS: readonly (readonly string[])[] = [
  ['enable', 'disable'], ['enabled', 'disabled'], ['on', 'off'], ['add', 'remove'], ['add', 'delete'], ['add', 'drop'], ['insert', 'delete'],
  ['create', 'destroy'], ['create', 'delete'], ['create', 'drop'], ['allow', 'deny'], ['allow', 'block'], ['allow', 'forbid'], ['allow', 'disallow'], ['allow', 'prevent'], ['block', 'unblock'],
  ['accept', 'reject'], ['accept', 'decline'], ['include', 'exclude'], ['increase', 'decrease'], ['increase', 'reduce'], ['raise', 'lower'],
  ['grow', 'shrink'], ['expand', 'collapse'], ['maximum', 'minimum'], ['max', 'min'], ['maximize', 'minimize'],
  ['largest', 'smallest'], ['biggest', 'smallest'], ['highest', 'lowest'], ['longest', 'shortest'], ['most', 'least'],
  ['more', 'less'], ['more', 'fewer'], ['greater', 'smaller'], ['greater', 'less'], ['larger', 'smaller'], ['bigger', 'smaller'],
  ['higher', 'lower'], ['faster', 'slower'], ['better', 'worse'], ['best', 'worst'], ['first', 'last'],
  ['next', 'previous', 'prev'], ['before', 'after'], ['above', 'below'], ['over', 'under'], ['start', 'stop'], ['start', 'end'],
  ['begin', 'end'], ['open', 'close'], ['show', 'hide'], ['lock', 'unlock'], ['install', 'uninstall'], ['install', 'remove'],
  ['import', 'export'], ['upload', 'download'], ['push', 'pull'], ['send', 'receive'], ['encrypt', 'decrypt'],
  ['encode', 'decode'], ['compress', 'decompress'], ['zip', 'unzip'], ['serialize', 'deserialize'],
  ['parse', 'stringify'], ['mount', 'unmount'], ['connect', 'disconnect'], ['subscribe', 'unsubscribe'],
  ['login', 'logout'], ['signin', 'signout'], ['in', 'out'], ['ascending', 'descending'], ['asc', 'desc'],
  ['upper', 'lower'], ['uppercase', 'lowercase'], ['left', 'right'], ['top', 'bottom'], ['inner', 'outer'],
  ['public', 'private'], ['static', 'dynamic'], ['sync', 'async'], ['synchronous', 'asynchronous'],
  ['true', 'false'], ['yes', 'no'], ['valid', 'invalid'], ['success', 'failure'], ['pass', 'fail'], ['win', 'lose'],
  ['old', 'new'], ['older', 'newer'], ['oldest', 'newest'], ['oldest', 'latest'], ['earliest', 'latest'], ['early', 'late'],
  ['past', 'future'], ['mean', 'median', 'mode'], ['sum', 'product', 'difference', 'average'],
  ['union', 'intersection', 'difference'], ['horizontal', 'vertical'], ['horizontally', 'vertically'],
  ['clockwise', 'counterclockwise'], ['clockwise', 'anticlockwise'], ['forward', 'backward'], ['forward', 'backwards'], ['sorted', 'unsorted'],
  ['ordered', 'unordered'], ['recursive', 'iterative'], ['recursively', 'iteratively'], ['read', 'write'],
  ['get', 'set', 'put', 'post', 'patch', 'delete'], ['merge', 'rebase'], ['split', 'join'], ['split', 'merge'], ['split', 'combine'],
  ['male', 'female'], ['men', 'women'], ['man', 'woman'], ['boy', 'girl'], ['buy', 'sell'], ['borrow', 'lend'],
  ['cheap', 'expensive'], ['hot', 'cold'], ['warm', 'cool'], ['day', 'night'], ['morning', 'evening', 'night'],
  ['today', 'tomorrow', 'yesterday'], ['plus', 'minus', 'times'], ['multiply', 'divide', 'add', 'subtract'],
  ['squared', 'cubed'], ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
  ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'],
  ['north', 'south', 'east', 'west'], ['why', 'when', 'where', 'who'], ['client', 'server'],
  ['frontend', 'backend'], ['input', 'output'], ['source', 'target'], ['source', 'destination'], ['local', 'remote', 'global'],
  ['width', 'height'], ['row', 'column'], ['rows', 'columns'], ['key', 'value'], ['keys', 'values'],
  ['parent', 'child'], ['head', 'tail'], ['prefix', 'suffix'], ['stack', 'queue'], ['min-heap', 'max-heap'],
  ['lighter', 'darker'], ['light', 'dark'], ['white', 'black'], ['odd', 'even'], ['positive', 'negative'],
  ['vowels', 'consonants'], ['strong', 'weak'], ['up', 'down'], ['undo', 'redo'], ['zoom', 'pan'],
  ['he', 'she'], ['him', 'her'], ['his', 'her'], ['his', 'hers'], ['ours', 'theirs'], ['mine', 'yours'], ['himself', 'herself'], ['mother', 'father'],
  ['mom', 'dad'], ['brother', 'sister'], ['son', 'daughter'], ['husband', 'wife'], ['boyfriend', 'girlfriend'],
  ['uncle', 'aunt'], ['king', 'queen'], ['prince', 'princess'], ['red', 'green', 'blue', 'white', 'black', 'yellow'],
  ['summer', 'winter', 'spring', 'autumn'], ['summer', 'winter', 'spring', 'fall'], ['import', 'export'], ['rich', 'poor'], ['legal', 'illegal'],
  ['possible', 'impossible'], ['like', 'dislike'], ['love', 'hate'], ['happy', 'sad'], ['agree', 'disagree'],
  ['like', 'unlike'], ['correct', 'incorrect'], ['correct', 'wrong'], ['same', 'different'], ['similar', 'different'],
];

/**
 * Words that narrow a request by their mere presence ("Why do women ONLY …", "every", "always"): each must
 * appear on both sides or on neither.
 */
export const STRICT_WORDS: readonly string[] = [
  'only', 'all', 'every', 'each', 'both', 'single', 'multiple', 'several', 'always',
  'sometimes', 'often', 'rarely', 'ever', 'already', 'yet', 'again', 'approximately', 'almost',
  'much', 'many', 'unique', 'duplicate', 'duplicates', 'distinct', 'recursively', 'recursive', 'reverse', 'reversed', 'inverse',
  'safely', 'permanently', 'temporarily', 'manually', 'automatically', 'globally', 'locally', 'case-insensitive',
  'insensitive', 'sensitive', 'nested', 'empty', 'null', 'undefined', 'nan', 'leading', 'trailing', 'whitespace',
];

/** Programming and human languages, data formats and encodings. */
export const LANGUAGE_TERMS: readonly string[] = [
  // programming languages
  'python', 'python2', 'python3', 'rust', 'go', 'golang', 'java', 'javascript', 'js', 'typescript', 'ts', 'c', 'c++', 'cpp',
  'c#', 'csharp', 'f#', 'ruby', 'php', 'perl', 'swift', 'kotlin', 'scala', 'haskell', 'elixir', 'erlang', 'clojure',
  'lua', 'r', 'julia', 'matlab', 'dart', 'zig', 'nim', 'ocaml', 'fortran', 'cobol', 'pascal', 'delphi', 'assembly',
  'bash', 'shell', 'sh', 'zsh', 'fish', 'powershell', 'batch', 'sql', 'mysql', 'postgres', 'postgresql', 'sqlite',
  'mongodb', 'redis', 'oracle', 'tsql', 'plsql', 'graphql', 'solidity', 'groovy', 'vb', 'vba', 'objective-c', 'lisp',
  'scheme', 'prolog', 'wasm', 'webassembly', 'html', 'css', 'scss', 'sass', 'less', 'jsx', 'tsx', 'latex', 'regex',
  // formats & encodings
  'json', 'yaml', 'yml', 'xml', 'csv', 'tsv', 'toml', 'ini', 'markdown', 'md', 'pdf', 'docx', 'xlsx', 'excel', 'parquet',
  'avro', 'protobuf', 'msgpack', 'base64', 'hex', 'binary', 'utf-8', 'utf8', 'ascii', 'unicode', 'png', 'jpg', 'jpeg',
  'gif', 'svg', 'webp', 'mp3', 'mp4', 'wav', 'html5',
  // human languages
  'english', 'french', 'german', 'spanish', 'italian', 'portuguese', 'chinese', 'japanese', 'korean', 'russian',
  'arabic', 'hindi', 'dutch', 'swedish', 'polish', 'turkish', 'greek', 'hebrew', 'latin',
];

/** Data types and structures ("a list", "an array"). */
export const TYPE_TERMS: readonly string[] = [
  'dataframe', 'dict', 'dictionary', 'list', 'tuple', 'array', 'map', 'string', 'int', 'integer', 'float',
  'double', 'bool', 'boolean', 'object', 'class', 'struct', 'enum', 'char', 'byte', 'bytes', 'timestamp', 'datetime', 'hashmap', 'vector', 'matrix', 'queue', 'stack', 'tree', 'graph',
];

/** Platforms, tools, frameworks, protocols, time zones. */
export const PLATFORM_TERMS: readonly string[] = [
  'linux', 'windows', 'macos', 'mac', 'osx', 'ubuntu', 'debian', 'fedora', 'centos', 'android', 'ios', 'docker',
  'kubernetes', 'k8s', 'aws', 'azure', 'gcp', 'react', 'vue', 'angular', 'svelte', 'django', 'flask', 'fastapi',
  'rails', 'spring', 'express', 'node', 'nodejs', 'deno', 'bun', 'npm', 'yarn', 'pnpm', 'pip', 'conda', 'cargo',
  'maven', 'gradle', 'git', 'svn', 'github', 'gitlab', 'vscode', 'vim', 'emacs', 'chrome', 'firefox', 'safari',
  'numpy', 'pandas', 'pytorch', 'tensorflow', 'keras', 'sklearn', 'jquery', 'nginx', 'apache', 'tailwind', 'bootstrap',
  'webpack', 'vite', 'esbuild', 'jest', 'mocha', 'pytest', 'junit', 'http', 'https', 'tcp', 'udp', 'ssh', 'ftp', 'grpc',
  'rest', 'soap', 'websocket', 'ipv4', 'ipv6', 'jwt', 'oauth', 'saml', 'utc', 'gmt', 'pst', 'est', 'cet', 'ist',
];

/** Units and currencies. */
export const UNIT_TERMS: readonly string[] = [
  // units & currencies
  'km', 'kilometers', 'kilometres', 'mile', 'miles', 'meter', 'meters', 'metres', 'feet', 'foot', 'inch', 'inches',
  'cm', 'mm', 'yard', 'yards', 'kg', 'kilograms', 'gram', 'grams', 'pound', 'pounds', 'lbs', 'ounce', 'ounces',
  'celsius', 'fahrenheit', 'kelvin', 'liter', 'liters', 'litre', 'gallon', 'gallons', 'seconds', 'second', 'minute',
  'minutes', 'hour', 'hours', 'days', 'week', 'weeks', 'month', 'months', 'year', 'years', 'ms', 'bytes', 'byte',
  'kb', 'mb', 'gb', 'tb', 'bit', 'bits', 'usd', 'eur', 'gbp', 'jpy', 'dollar', 'dollars', 'euro', 'euros', 'yen',
  'rupee', 'rupees', 'bitcoin', 'btc', 'eth', 'mph', 'kph', 'celcius',
];

/** Every named thing whose swap changes the answer; the verifier never soft-matches these. */
export const KEY_TERMS: readonly string[] = [...LANGUAGE_TERMS, ...TYPE_TERMS, ...PLATFORM_TERMS, ...UNIT_TERMS];

/** Markers that make the order of key terms meaningful ("JSON to YAML", "faster than"). */
export const DIRECTION_MARKERS: readonly string[] = [
  'to', 'into', 'from', 'than', 'vs', 'versus', 'over', 'instead', 'onto', 'as', 'per', 'by', '->', '=>', '→', 'against',
  'beat', 'beats', 'defeated', 'replace', 'replaces', 'replaced', 'before', 'after', 'minus', 'divided', 'of',
];

/** Weak markers: they make order meaningful only between two terms of the same kind ("JavaScript code in TypeScript"). */
export const WEAK_DIRECTION_MARKERS: readonly string[] = ['in', 'for', 'with', 'on', 'using', 'at'];

/**
 * Number words map to digits so "five" and "5" compare equal and "five" vs "six" differ. "one" is left out:
 * it is mostly a pronoun or an article ("one of the best", "which one"), and "1" vs "2" is still caught.
 */
export const NUMBER_WORDS: Record<string, string> = {
  zero: '0', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
  ten: '10', eleven: '11', twelve: '12', thirteen: '13', fourteen: '14', fifteen: '15', sixteen: '16',
  seventeen: '17', eighteen: '18', nineteen: '19', twenty: '20', thirty: '30', forty: '40', fifty: '50', sixty: '60',
  seventy: '70', eighty: '80', ninety: '90', hundred: '100', thousand: '1000', million: '1000000', billion: '1000000000',
  half: '0.5', twice: '2', once: '1', double: '2', triple: '3', dozen: '12', first: '#1', second: '#2', third: '#3',
  fourth: '#4', fifth: '#5', tenth: '#10',
};

/** Function words: ignored when comparing content words (negations and polar words are checked separately). */
export const STOP_WORDS: readonly string[] = [
  'a', 'an', 'the', 'and', 'or', 'but', 'if', 'then', 'else', 'of', 'in', 'on', 'at', 'by', 'for', 'with', 'about',
  'to', 'from', 'into', 'onto', 'as', 'is', 'are', 'was', 'were', 'be', 'been', 'being', 'am', 'do', 'does', 'did',
  'doing', 'done', 'have', 'has', 'had', 'having', 'i', 'me', 'my', 'mine', 'myself', 'you', 'your', 'yours',
  'yourself', 'he', 'him', 'his', 'she', 'her', 'hers', 'it', 'its', 'itself', 'we', 'us', 'our', 'ours', 'they',
  'them', 'their', 'theirs', 'this', 'that', 'these', 'those', 'there', 'here', 'what', 'which', 'how', 'can', 'could',
  'would', 'should', 'will', 'shall', 'might', 'must', 'may', 'so', 'such', 'than', 'too', 'very', 'just', 'also',
  'up', 'down', 'out', 'via', 'using', 'use', 'used', 'way', 'ways', 'please', 'thanks', 'thank', 'hi', 'hello',
  'hey', 'kindly', 'let', "let's", 'lets', 'i\'m', 'im', 'i\'d', 'id', 'i\'ve', 've', 's', 're', 'll', 'd', 'm',
  'anyone', 'someone', 'somebody', 'something', 'thing', 'things', 'one', 'ones', 'like', 'whats', "what's",
  'hows', "how's", 'whether', 'within', 'through', 'while', 'per', 'vs', 'versus', 'etc', 'eg', 'ie', 'e.g', 'i.e',
];

/**
 * Words a paraphrase commonly adds or drops without changing the question ("What is the best way to …",
 * "Can you explain …", "Tell me …"). An unmatched filler word does not block a hit.
 */
export const FILLER_WORDS: readonly string[] = [
  'explain', 'tell', 'know', 'want', 'need', 'help', 'give', 'example', 'examples', 'possible', 'good', 'easy',
  'easiest', 'simple', 'simplest', 'quick', 'quickly', 'quickest', 'proper', 'properly', 'correct', 'correctly',
  'right', 'recommended', 'best', 'ideal', 'efficient', 'efficiently', 'write', 'make', 'show', 'go', 'going',
  'get', 'got', 'trying', 'try', 'able', 'really', 'actually', 'basically', 'exactly', 'specific', 'certain',
  'question', 'answer', 'code', 'snippet', 'program', 'script', 'method', 'approach', 'technique', 'solution',
  'describe', 'meaning', 'mean', 'means', 'difference', 'work', 'works', 'working', 'happen', 'happens',
  'happening', 'reason', 'reasons', 'cause', 'causes', 'idea', 'ideas', 'tip', 'tips', 'steps', 'step', 'guide',
  'tutorial', 'instructions', 'procedure', 'process', 'manner', 'kind', 'type', 'sort', 'bit', 'little', 'sure',
  'anybody', 'everybody', 'people', 'person', 'somewhere', 'well', 'even', 'lot', 'lots',
  'perform', 'performing', 'achieve', 'accomplish', 'implement', 'implementing', 'do', 'does', 'done',
  'someone', 'find', 'out', 'learn', 'understand', 'wondering', 'wonder', 'curious', 'ask', 'asking',
  'some', 'any', 'either', 'yes', 'convert', 'send', 'turn', 'transform', 'purpose', 'exactly', 'fast', 'fastest',
  'between', 'compare', 'compared', 'comparison', 'create', 'generate', 'build', 'new', 'over', 'through',
  'particular', 'change', 'switch',
];

/** Words that carry their own negation: compared as "not" + the base word ("inaccurate" = "not accurate"). */
export const NEGATED_FORMS: Record<string, string> = {
  inaccurate: 'accurate', incorrect: 'correct', invalid: 'valid', unavailable: 'available', unsafe: 'safe',
  unsupported: 'supported', unused: 'used', unsorted: 'sorted', unordered: 'ordered', insecure: 'secure',
  inactive: 'active', incomplete: 'complete', inconsistent: 'consistent', incompatible: 'compatible',
  impossible: 'possible', illegal: 'legal', irrelevant: 'relevant', unnecessary: 'necessary', unable: 'able',
  unclear: 'clear', unstable: 'stable', unreadable: 'readable', unreachable: 'reachable', unresponsive: 'responsive',
  unsuccessful: 'successful', untrusted: 'trusted', unencrypted: 'encrypted', uncompressed: 'compressed',
  nonempty: 'empty', 'non-empty': 'empty', disallowed: 'allowed', disabled: 'enabled', unchecked: 'checked',
};

/**
 * Abbreviations and spelling variants compared as one word by the verifier ("max" = "maximum",
 * "app" = "application"). Only true equivalents: never a pair whose meaning can differ.
 */
export const CANONICAL_WORDS: Record<string, string> = {
  max: 'maximum', min: 'minimum', app: 'application', apps: 'applications', repo: 'repository', repos: 'repositories',
  config: 'configuration', configs: 'configurations', dir: 'directory', dirs: 'directories', folder: 'directory',
  folders: 'directories', docs: 'documentation', env: 'environment', func: 'function', fn: 'function',
  arg: 'argument', args: 'arguments', param: 'parameter', params: 'parameters', db: 'database', dbs: 'databases',
  lib: 'library', libs: 'libraries', pkg: 'package', pkgs: 'packages', msg: 'message', msgs: 'messages',
  info: 'information', auth: 'authentication', cmd: 'command', var: 'variable', vars: 'variables',
  colour: 'color', colours: 'colors', behaviour: 'behavior', initialise: 'initialize', initialised: 'initialized',
  optimise: 'optimize', serialise: 'serialize', normalise: 'normalize', analyse: 'analyze', organise: 'organize',
  javascript: 'javascript', js: 'javascript', ts: 'typescript', py: 'python', golang: 'go', postgres: 'postgresql',
  k8s: 'kubernetes', nodejs: 'node.js', yml: 'yaml', cpp: 'c++', csharp: 'c#', macos: 'mac', osx: 'mac',
  lowercase: 'lowercase', 'lower-case': 'lowercase', 'upper-case': 'uppercase', 'e-mail': 'email', emails: 'email',
  website: 'site', websites: 'sites', webpage: 'page', webpages: 'pages', item: 'element', items: 'elements',
  iterate: 'loop', iterates: 'loops', iterating: 'looping', iterated: 'looped', iteration: 'loop',
  dict: 'dictionary', dicts: 'dictionaries', resolve: 'fix', resolving: 'fixing', solve: 'fix', solving: 'fixing',
  verify: 'check', verifying: 'checking', execute: 'run', executing: 'running', display: 'show', displaying: 'showing',
  locate: 'find', obtain: 'get', retrieve: 'get', retrieving: 'getting', erase: 'delete',
};


// Some filler words are also antonym-group members (best, right, show, get, write, mean): the verifier checks
// antonym conflicts first, so an unmatched "best" is filler unless the other side says "worst".

/**
 * Named things people often type in lower case ("weather in paris"): they never soft-match a neighbour
 * (GloVe puts paris next to london). Countries, large cities, companies, products.
 */
export const ENTITY_WORDS: readonly string[] = [
  'afghanistan', 'albania', 'algeria', 'argentina', 'armenia', 'australia', 'austria', 'bangladesh', 'belgium',
  'bolivia', 'brazil', 'bulgaria', 'cambodia', 'cameroon', 'canada', 'chile', 'china', 'colombia', 'croatia', 'cuba',
  'cyprus', 'czech', 'denmark', 'ecuador', 'egypt', 'england', 'estonia', 'ethiopia', 'finland', 'france', 'germany',
  'ghana', 'greece', 'hungary', 'iceland', 'india', 'indonesia', 'iran', 'iraq', 'ireland', 'israel', 'italy',
  'jamaica', 'japan', 'jordan', 'kazakhstan', 'kenya', 'korea', 'kuwait', 'latvia', 'lebanon', 'libya', 'lithuania',
  'luxembourg', 'malaysia', 'mexico', 'mongolia', 'morocco', 'nepal', 'netherlands', 'holland', 'nigeria', 'norway',
  'pakistan', 'peru', 'philippines', 'poland', 'portugal', 'qatar', 'romania', 'russia', 'scotland', 'serbia',
  'singapore', 'slovakia', 'slovenia', 'somalia', 'spain', 'sweden', 'switzerland', 'syria', 'taiwan', 'thailand',
  'tunisia', 'turkey', 'uganda', 'ukraine', 'uk', 'usa', 'us', 'america', 'venezuela', 'vietnam', 'wales', 'yemen',
  'zimbabwe', 'europe', 'asia', 'africa', 'antarctica', 'london', 'paris', 'berlin', 'madrid', 'rome', 'moscow',
  'tokyo', 'beijing', 'shanghai', 'delhi', 'mumbai', 'bangalore', 'sydney', 'melbourne', 'toronto', 'vancouver',
  'chicago', 'boston', 'seattle', 'austin', 'denver', 'dallas', 'houston', 'miami', 'atlanta', 'york', 'francisco',
  'angeles', 'washington', 'dubai', 'istanbul', 'cairo', 'lagos', 'nairobi', 'seoul', 'bangkok', 'jakarta', 'manila',
  'lisbon', 'amsterdam', 'brussels', 'vienna', 'prague', 'warsaw', 'stockholm', 'oslo', 'helsinki', 'copenhagen',
  'dublin', 'zurich', 'geneva', 'munich', 'barcelona', 'milan', 'athens', 'hong', 'kong', 'california', 'texas',
  'florida', 'google', 'microsoft', 'apple', 'amazon', 'facebook', 'meta', 'netflix', 'twitter', 'tesla', 'ibm',
  'intel', 'amd', 'nvidia', 'samsung', 'sony', 'oracle', 'openai', 'anthropic', 'uber', 'airbnb', 'spotify',
  'youtube', 'instagram', 'whatsapp', 'linkedin', 'reddit', 'quora', 'wikipedia', 'iphone', 'ipad', 'android',
  'xbox', 'playstation', 'gmail', 'outlook', 'slack', 'zoom', 'jira', 'trump', 'obama', 'modi', 'clinton', 'hillary',
  'putin', 'einstein', 'newton', 'shakespeare', 'christmas', 'easter', 'diwali', 'ramadan', 'hindu', 'muslim',
  'christian', 'jewish', 'buddhist', 'islam', 'christianity', 'hinduism', 'republican', 'democrat', 'republicans',
  'democrats', 'bjp', 'congress', 'harvard', 'stanford', 'mit', 'oxford', 'cambridge', 'iit', 'bitcoin',
];
