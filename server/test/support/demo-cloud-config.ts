import type { CloudConfig } from '../../src/config/clouds-config.js';
import {
  demoCloudConfig as toCloudConfig,
  type DemoCloudConfigOptions,
} from '../../src/config/demo-cloud-config.js';
import type { DemoCloud } from '../../src/demo-cloud/demo-cloud.js';

/** A running demo cloud as a clouds.yaml entry, by the one mapping `npm start` uses too. */
export function demoCloudConfig(
  demo: DemoCloud,
  name = 'demo',
  options: Omit<DemoCloudConfigOptions, 'name'> = {},
): CloudConfig {
  return toCloudConfig(demo, { ...options, name });
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
