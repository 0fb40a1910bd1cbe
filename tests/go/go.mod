module gctui.invalid/workloads

go 1.19
