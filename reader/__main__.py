import sys

from reader.main import main

sys.exit(main())
