eval several_errors.grad --set x=1
