module.exports = function flash() {
  return (req, res, next) => {
    req.flash = (type, message) => {
      if (!req.session) throw new Error('req.flash() requires sessions');
      const flashes = req.session.flash || {};
      if (message !== undefined) {
        flashes[type] = [...(flashes[type] || []), message];
        req.session.flash = flashes;
        return flashes[type].length;
      }
      const messages = flashes[type] || [];
      delete flashes[type];
      if (Object.keys(flashes).length === 0) delete req.session.flash;
      return messages;
    };
    next();
  };
};
