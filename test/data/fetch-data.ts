// `npm run data`: downloads the external test data (test/data/manifest.json) from its public
// origins into the cache the tests look in (test/helpers/shared-data.ts), each file checked
// against its pinned sha256. Re-running downloads only what is missing or does not verify.
// Its last line names the data directory, which the docs' commands write as ../shared/data/.
import { parseArgs } from 'node:util';
import { DATA_DIRECTORY_LINE, DOCUMENTED_DATA_DIR, FETCH_COMMAND, dataCacheDir, dataDirectory } from '../helpers/shared-data.ts';
import { GITHUB_RAW, MANIFEST_PATH, loadDataManifest } from './data-manifest.ts';
import { fetchDataFiles } from './fetch-data-files.ts';

const HELP = `usage: ${FETCH_COMMAND}

Downloads the test data listed in ${MANIFEST_PATH}
(FIX dictionaries and samples, LOBSTER and ITCH samples) into the cache the tests read,
and checks each file's pinned sha256. Files already there and verified are kept.
The last line names the data directory: where the docs write ${DOCUMENTED_DATA_DIR}, use it.

  MARKETFEED_DATA_CACHE   the cache directory (default $XDG_CACHE_HOME/marketfeed/data,
                          else ~/.cache/marketfeed/data); now ${dataCacheDir()}
  MARKETFEED_DATA_ORIGIN  replaces ${GITHUB_RAW} in every URL (a mirror)
`;

try {
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    process.stdout.write(HELP);
    process.exit(0);
  }
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${HELP}`);
  process.exit(2);
}

const manifest = loadDataManifest();
const cacheDir = dataCacheDir();
const originBase = process.env.MARKETFEED_DATA_ORIGIN || GITHUB_RAW;
process.stdout.write(`test data: ${manifest.files.size} files into ${cacheDir} from ${originBase}\n`);
const summary = await fetchDataFiles({ manifest, cacheDir, originBase, log: (line) => process.stdout.write(`  ${line}\n`) });
process.stdout.write(`done: ${summary.downloaded} downloaded, ${summary.derived} derived, ${summary.alreadyVerified} already verified\n`);
const failed = summary.failures.length + summary.notAttempted;
if (failed > 0) {
  for (const failure of summary.failures) process.stderr.write(`error: ${failure}\n`);
  if (summary.notAttempted > 0) process.stderr.write(`error: ${summary.notAttempted} more files not attempted: the origin cannot be reached (see above)\n`);
  process.stderr.write(`${failed} of ${manifest.files.size} files failed; nothing unverified was written (the others are in ${cacheDir})\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(`${dataDirectoryLine()}\n`);
}

/** Where the tests read the data, which is not the download when MARKETFEED_DATA_DIR or ../shared/data holds it all. */
function dataDirectoryLine(): string {
  const directory = dataDirectory();
  const use = `use it where the docs write ${DOCUMENTED_DATA_DIR}`;
  if (directory === undefined || directory.dir === cacheDir) return `${DATA_DIRECTORY_LINE} ${cacheDir} (${use})`;
  return `${DATA_DIRECTORY_LINE} ${directory.dir} (${directory.label}, read before the download in ${cacheDir}; ${use})`;
}
