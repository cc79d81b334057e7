eval no_outputs.grad --set x=1 --json
