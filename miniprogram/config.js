// Where the mini-program reaches the server. Deployers change apiBase to the production
// HTTPS address (it must also be registered as a request domain in the mini-program admin).
module.exports = {
  apiBase: 'http://127.0.0.1:5000/api/v1',
}
