const fs = require('node:fs');
const session = require('express-session');

const copy = (value) => JSON.parse(JSON.stringify(value));

class JsonStore extends session.Store {
  constructor(file) {
    super();
    this.file = file;
    this.sessions = new Map(fs.existsSync(file) ? Object.entries(JSON.parse(fs.readFileSync(file, 'utf8'))) : []);
  }

  get(sid, callback) {
    // @todo storeGet
    callback(null, null);
  }

  set(sid, sess, callback) {
    // @todo storeSet
    callback(null);
  }

  destroy(sid, callback) {
    // @todo storeDestroy
    callback(null);
  }

  touch(sid, sess, callback) {
    // @todo storeTouch
    callback(null);
  }

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
