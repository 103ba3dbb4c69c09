// The identity a login is made with, as the Authentication API's store and the Actions runtime both name it.
import type { Identity } from '../actions/types.ts';

/** The identity a login is made with: its provider and its own id (without the `provider|` prefix). */
export type LoginIdentity = Pick<Identity, 'provider' | 'user_id'>;
