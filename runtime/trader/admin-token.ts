// The secret that guards the trader's admin port (POST /kill, /reset): from the environment
// (MARKETFEED_ADMIN_TOKEN) or a file. A file that does not exist yet is created with a random
// token, readable by its owner only, so that the port is never open without one; a file that
// others can read is refused, as ssh refuses a private key anyone can read.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ADMIN_TOKEN_ENV = 'MARKETFEED_ADMIN_TOKEN';
/** Where `marketfeed trade` and `marketfeed kill` find the token when not told: the same file for both. */
export const DEFAULT_ADMIN_TOKEN_FILE = path.join(os.homedir(), '.marketfeed', 'admin-token');
const MIN_TOKEN_LENGTH = 16;

export class AdminTokenError extends Error {
  override name = 'AdminTokenError';
}

export interface AdminTokenSource {
  /** A token file: read, or created (with its directory) with a new random token when it does not exist. */
  file?: string;
  /** Reading only (a client): a missing file is an error, not a new token. */
  readOnly?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** The token and where it came from (for the log: never the token itself). */
export function loadAdminToken(source: AdminTokenSource): { token: string; from: string } {
  const fromEnv = (source.env ?? process.env)[ADMIN_TOKEN_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { token: checked(fromEnv.trim(), ADMIN_TOKEN_ENV), from: ADMIN_TOKEN_ENV };
  if (source.file === undefined) throw new AdminTokenError(`the admin port needs a token: set ${ADMIN_TOKEN_ENV} or give --admin-token-file`);
  const file = source.file;
  let created = false;
  if (source.readOnly === true) {
    if (!fs.existsSync(file)) throw new AdminTokenError(`no admin token file ${file}: is the trader running with this --admin-token-file?`);
  } else {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      fs.writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new AdminTokenError(`cannot create the admin token file ${file}: ${(error as Error).message}`);
    }
  }
  const stat = fs.statSync(file);
  if ((stat.mode & 0o077) !== 0) throw new AdminTokenError(`the admin token file ${file} is readable by others (mode ${(stat.mode & 0o777).toString(8)}): chmod 600 it`);
  return { token: checked(fs.readFileSync(file, 'utf8').trim(), file), from: created ? `${file} (created)` : file };
}

function checked(token: string, from: string): string {
  if (token.length < MIN_TOKEN_LENGTH) throw new AdminTokenError(`the admin token from ${from} is shorter than ${MIN_TOKEN_LENGTH} characters`);
  return token;
}

/** Whether `presented` is the token, in time that does not depend on where they differ. */
export function tokenMatches(token: string, presented: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(token), digest(presented));
}
