eval extreme_literals.grad --set x=1 --json
