/**
 * The Smartflow TypeScript SDK: one import for the client, its errors, result types, the agent and the
 * workflow. See docs/client.md.
 */
export { SmartflowClient, type A2ATaskResult, type ClientSettings } from './client.js';
export { SmartflowAgent, type SmartflowAgentOptions } from './agent.js';
export { SmartflowWorkflow, WorkflowError, type StepAction, type WorkflowStep, type ChatStepConfig, type ComplianceStepConfig, type ConditionStepConfig } from './workflow.js';
export {
  SmartflowError,
  ConnectionError,
  AuthenticationError,
  RateLimitError,
  ComplianceError,
  ProviderError,
  TimeoutError,
  DirectModeError,
} from './errors.js';
export { resolveMode, type ResolvedMode } from './mode.js';
export type * from './types.js';
