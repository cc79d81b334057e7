eval warning_zero.grad --set x=1 --json
