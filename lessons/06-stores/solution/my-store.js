const fs = require('node:fs');
const session = require('express-session');

const copy = (value) => JSON.parse(JSON.stringify(value));

class JsonStore extends session.Store {
  constructor(file) {
    super();
    this.file = file;
    this.sessions = new Map(fs.existsSync(file) ? Object.entries(JSON.parse(fs.readFileSync(file, 'utf8'))) : []);
  }

  // #region get
  get(sid, callback) {
    const sess = this.sessions.get(sid);
    if (!sess) {
      callback(null, null);
      return;
    }
    if (sess.cookie.expires && new Date(sess.cookie.expires) <= new Date()) {
      this.destroy(sid, (error) => callback(error, null));
      return;
    }
    callback(null, copy(sess));
  }
  // #endregion

  // #region set
  set(sid, sess, callback) {
    this.sessions.set(sid, copy(sess));
    this.write(callback);
  }

  destroy(sid, callback) {
    this.sessions.delete(sid);
    this.write(callback);
  }
  // #endregion

  // #region touch
  touch(sid, sess, callback) {
    const stored = this.sessions.get(sid);
    if (stored) stored.cookie = copy(sess.cookie);
    this.write(callback);
  }
  // #endregion

  all(callback) {
    callback(null, copy(Object.fromEntries(this.sessions)));
  }

  write(callback) {
    try {
      fs.writeFileSync(this.file, JSON.stringify(Object.fromEntries(this.sessions), null, 2));
      callback(null);
    } catch (error) {
      callback(error);
    }
  }
}

module.exports = JsonStore;
