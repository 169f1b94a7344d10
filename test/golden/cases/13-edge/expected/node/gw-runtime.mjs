(copied verbatim from gw's dist/node-runtime/gw-runtime.mjs)
