// Exit when the process that started us goes away (scripts/install-langhost.sh copies this file
// next to the Node.js launchers it writes into the tool dir). The launcher passes its parent's pid:
// a CLI killed while node was still starting has already made pid 1 our parent.
const parent = Number(process.env.SS_PARENT_PID) || process.ppid;
delete process.env.SS_PARENT_PID;
if (process.ppid !== parent) process.exit(1);
setInterval(() => { if (process.ppid !== parent) process.exit(1); }, 500).unref();
