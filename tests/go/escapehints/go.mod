module example.com/escapehints

go 1.19
