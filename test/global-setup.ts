// Fails the run early unless it is on Node 22, the Actions runtime, and says which Node it is.
export default function setup(): void {
  const major = Number(process.versions.node.split('.')[0]);
  console.log(`tests run on Node ${process.version}`);
  if (major !== 22) {
    throw new Error(
      `tests must run on Node 22 (the Actions runtime), got ${process.version}: run them through npm (npm test), which puts node_modules/.bin/node first`,
    );
  }
}
