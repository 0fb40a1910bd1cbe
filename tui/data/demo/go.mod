module gctui.invalid/demo

go 1.19
