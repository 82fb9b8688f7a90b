/** Setup file of the projects on real servers: after each test file, delete what its tests left tracked. */
import { afterAll } from 'vitest';
import { cleanupRunResources } from './runResources';

afterAll(cleanupRunResources, 180_000);
