// @todo ownFlash
module.exports = function flash() {
  return (req, res, next) => next();
};
