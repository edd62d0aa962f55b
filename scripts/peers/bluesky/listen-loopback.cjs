// Preloaded with `node --require`: every TCP server of the local Bluesky network listens on
// 127.0.0.1 only. The dev-env services listen on all interfaces by default; a test peer must not.
'use strict';
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const WIDE = new Set([undefined, null, '', '0.0.0.0', '::', '::0', 'localhost']);
const original = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    // listen(options[, cb]): only TCP options (no path, fd or handle) are changed.
    const tcp = first.path === undefined && first.fd === undefined && first.handle === undefined && first._handle === undefined;
    if (tcp && WIDE.has(first.host)) args[0] = { ...first, host: LOOPBACK, ipv6Only: false };
  } else if (typeof first === 'string' && !/^\d+$/.test(first)) {
    // listen(path): a Unix socket, nothing to change.
  } else if (first === undefined || typeof first === 'function') {
    // listen() or listen(cb): a random port.
    args.unshift(0);
    args.splice(1, 0, LOOPBACK);
  } else if (typeof args[1] === 'string' || args[1] === undefined || args[1] === null) {
    // listen(port[, host][, backlog][, cb])
    if (WIDE.has(args[1])) args[1] = LOOPBACK;
    if (args.length === 1) args.push(LOOPBACK);
  } else {
    // listen(port, backlog|cb, ...)
    args.splice(1, 0, LOOPBACK);
  }
  return original.apply(this, args);
};
