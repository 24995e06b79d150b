import os

DATABASE_PASSWORD = os.environ["DATABASE_PASSWORD"]
API_TOKEN = os.getenv("API_TOKEN")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
password = None
password = ""
auth_token: str = ""
webhook_secret = settings.WEBHOOK_SECRET
REQUEST_ID = "102c7b04397f224aba1c7f7504299313"
session_token_id = "0f8fad5b-d9cb-469f-a165-70867728950e"
token_sha256 = "a3d0e4d125c0b18124f1d5f7adb49efef1370f73679e74fe95b8c644527e0863"
password_hash = "$2b$12$" + "48e4b7356c55a3eae40112f2659c37ee0003f135"
deploy_token_rev = "24d419138f5fdb948c1a1e17f61d49241b415bbf"
