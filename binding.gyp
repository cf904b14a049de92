{
  "targets": [
    {
      "target_name": "marketfeed_native",
      "sources": ["runtime/native/marketfeed_native.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
