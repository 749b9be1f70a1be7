from parlint.cli import main

raise SystemExit(main())
