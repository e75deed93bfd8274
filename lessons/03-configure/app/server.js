const express = require('express');
const session = require('express-session');

const app = express();

// @todo secretTodo
// @todo saveTodo
// @todo cookieTodo
app.use(session({ secret: 'thisisnotagoodsecret' }));

app.get('/', (req, res) => {
  res.send('Home page. This route never touches the session.');
});

app.get('/viewcount', (req, res) => {
  req.session.views = (req.session.views || 0) + 1;
  res.send(`You have viewed this page ${req.session.views} times`);
});

const port = Number(process.env.PORT) || 3000;
app.listen(port, (error) => {
  if (error) throw error;
  console.log(`Listening on http://localhost:${port}`);
});
