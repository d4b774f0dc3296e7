// Exit when the process that started us goes away (the same check as the launchers that
// scripts/install-langhost.sh writes into the tool dir).
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) process.exit(1); }, 500).unref();
