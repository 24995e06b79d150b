const token = process.env.GITHUB_TOKEN;
const apiKey = ENV["API_KEY"] || config.get("apiKey");
const password = `${user.password}`;
if (password === "changeme") { throw new Error("set a password"); }
