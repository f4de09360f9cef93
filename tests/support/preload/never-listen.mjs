// Loaded with `node --import` into a spawned CLI: every server's listen() accepts the call and never
// listens, so the embedded provider never starts. Nothing then keeps the event loop alive, and the
// process exits with whatever exit code is set when its main promise is still pending.
import http from "node:http";

http.Server.prototype.listen = function listen() {
  return this;
};
