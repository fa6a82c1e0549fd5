/**
 * Entry of dist/gateway.js: what the VS Code extension loads lazily, after activation (the gateway service
 * and the SDK client). Keeping it out of dist/extension.js keeps activation cheap.
 */
export { startGatewayService } from './compose.js';
export { SmartflowClient } from './client/client.js';
