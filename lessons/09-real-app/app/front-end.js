// @comment frontEndAbout

// #region fetch-me
async function whoAmI() {
  const response = await fetch('http://localhost:3000/api/me', {
    credentials: 'include',
  });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`The API answered ${response.status}`);
  const { user } = await response.json();
  return user;
}
// #endregion

// #region log-in
async function logIn(username, password, remember) {
  const response = await fetch('http://localhost:3000/api/login', {
    method: 'POST',
    credentials: 'include',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password, remember }),
  });
  if (!response.ok) throw new Error(`The API answered ${response.status}`);
  return (await response.json()).user;
}
// #endregion
