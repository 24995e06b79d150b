from garrison.cli import main

raise SystemExit(main())
