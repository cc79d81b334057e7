eval missing_file.grad
