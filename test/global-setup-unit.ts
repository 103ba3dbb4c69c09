// The fast tier's setup: only the Node 22 check, since none of its tests needs Chromium.
import { requireNode22 } from './global-setup.ts';

export default function setup(): void {
  requireNode22();
}
