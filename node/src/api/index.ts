export { buildApp, type AppDeps } from './app';
export { HttpMetrics } from './http-metrics';
