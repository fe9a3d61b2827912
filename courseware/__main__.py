from courseware.cli import main

main()
