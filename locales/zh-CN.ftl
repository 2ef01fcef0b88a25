# docket 的中文消息。每条面向用户的文字在此与 en.ftl 中各有同一标识和同样的参数；
# tests/catalogue.rs 保持两者一致。

## 问题所在

loc-field = 字段 `{ $field }`
