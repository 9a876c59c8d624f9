import { App } from 'aws-cdk-lib';
import { buildReliefApp } from './stacks/relief-app.ts';

/**
 * CDK entry point (cdk.json: `npx tsx infra/app.ts`). Settings come from context, e.g.
 *   cdk synth --all -c region=us-east-1 -c stage=prod -c jwtIssuer=https://idp.example/realms/courts
 * See infra/stacks/settings.ts for every setting and its default.
 */
const app = new App();
await buildReliefApp(app);
app.synth();
