// @comment typesAbout
import 'express-session';

// #region session-data
declare module 'express-session' {
  interface SessionData {
    user: { id: number; username: string };
  }
}
// #endregion
