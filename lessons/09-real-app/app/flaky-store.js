// @comment flakyAbout
const session = require('express-session');

class FlakyStore extends session.MemoryStore {
  constructor({ down = false } = {}) {
    super();
    this.down = down;
  }

  get(sid, callback) {
    if (this.down) return this.fail(callback);
    super.get(sid, callback);
  }

  set(sid, sess, callback) {
    if (this.down) return this.fail(callback);
    super.set(sid, sess, callback);
  }

  destroy(sid, callback) {
    if (this.down) return this.fail(callback);
    super.destroy(sid, callback);
  }

  touch(sid, sess, callback) {
    if (this.down) return this.fail(callback);
    super.touch(sid, sess, callback);
  }

  // #region fail
  fail(callback) {
    // @comment flakyError
    const error = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    error.code = 'ECONNREFUSED';
    setImmediate(() => callback?.(error));
  }
  // #endregion
}

module.exports = FlakyStore;
