// Node-RED settings of the peer benchmark (run-nodered-bench.sh passes it with --settings and a temp --userDir).
// No editor, no admin API, no credentials, no projects, no telemetry; HTTP nodes on 127.0.0.1:$NODE_RED_PORT.
module.exports = {
    uiHost: "127.0.0.1",
    uiPort: Number(process.env.NODE_RED_PORT || 1880),
    httpAdminRoot: false, // disables the editor and the admin HTTP API; http-in nodes stay on httpNodeRoot "/"
    disableEditor: true,
    httpNodeRoot: "/",
    flowFile: "flows.json", // relative to --userDir (a temp dir)
    flowFilePretty: false,
    credentialSecret: false, // the flow has no credentials
    httpRequestTimeout: 10000, // http request node timeout (default 120 s)
    functionExternalModules: false,
    externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
    editorTheme: { projects: { enabled: false } },
    diagnostics: { enabled: false, ui: false },
    runtimeState: { enabled: false, ui: false },
    telemetry: { enabled: false },
    logging: { console: { level: "warn", metrics: false, audit: false } },
    exportGlobalContextKeys: false,
};
