// Request handler (test fixture for the Semgrep rules).
function handle(request) {
  const expression = request.query.expr;
  return eval(expression);
}

module.exports = { handle };
