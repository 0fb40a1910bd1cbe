module gctui.invalid/goref

go 1.19
