// Imported first by main.ts: OpenTelemetry must patch http, express, graphql and pg before they load.
import { startTracing } from '@parley/api/observability';

startTracing();
