import { createRequire as __perfActionCreateRequire } from 'node:module'; const require = __perfActionCreateRequire(import.meta.url);
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __require = /* @__PURE__ */ ((x) => typeof require !== "undefined" ? require : typeof Proxy !== "undefined" ? new Proxy(x, {
  get: (a, b) => (typeof require !== "undefined" ? require : a)[b]
}) : x)(function(x) {
  if (typeof require !== "undefined") return require.apply(this, arguments);
  throw Error('Dynamic require of "' + x + '" is not supported');
});
var __commonJS = (cb, mod) => function __require2() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// node_modules/busboy/lib/utils.js
var require_utils = __commonJS({
  "node_modules/busboy/lib/utils.js"(exports, module) {
    "use strict";
    function parseContentType(str) {
      if (str.length === 0)
        return;
      const params = /* @__PURE__ */ Object.create(null);
      let i = 0;
      for (; i < str.length; ++i) {
        const code = str.charCodeAt(i);
        if (TOKEN[code] !== 1) {
          if (code !== 47 || i === 0)
            return;
          break;
        }
      }
      if (i === str.length)
        return;
      const type = str.slice(0, i).toLowerCase();
      const subtypeStart = ++i;
      for (; i < str.length; ++i) {
        const code = str.charCodeAt(i);
        if (TOKEN[code] !== 1) {
          if (i === subtypeStart)
            return;
          if (parseContentTypeParams(str, i, params) === void 0)
            return;
          break;
        }
      }
      if (i === subtypeStart)
        return;
      const subtype = str.slice(subtypeStart, i).toLowerCase();
      return { type, subtype, params };
    }
    function parseContentTypeParams(str, i, params) {
      while (i < str.length) {
        for (; i < str.length; ++i) {
          const code = str.charCodeAt(i);
          if (code !== 32 && code !== 9)
            break;
        }
        if (i === str.length)
          break;
        if (str.charCodeAt(i++) !== 59)
          return;
        for (; i < str.length; ++i) {
          const code = str.charCodeAt(i);
          if (code !== 32 && code !== 9)
            break;
        }
        if (i === str.length)
          return;
        let name;
        const nameStart = i;
        for (; i < str.length; ++i) {
          const code = str.charCodeAt(i);
          if (TOKEN[code] !== 1) {
            if (code !== 61)
              return;
            break;
          }
        }
        if (i === str.length)
          return;
        name = str.slice(nameStart, i);
        ++i;
        if (i === str.length)
          return;
        let value = "";
        let valueStart;
        if (str.charCodeAt(i) === 34) {
          valueStart = ++i;
          let escaping = false;
          for (; i < str.length; ++i) {
            const code = str.charCodeAt(i);
            if (code === 92) {
              if (escaping) {
                valueStart = i;
                escaping = false;
              } else {
                value += str.slice(valueStart, i);
                escaping = true;
              }
              continue;
            }
            if (code === 34) {
              if (escaping) {
                valueStart = i;
                escaping = false;
                continue;
              }
              value += str.slice(valueStart, i);
              break;
            }
            if (escaping) {
              valueStart = i - 1;
              escaping = false;
            }
            if (QDTEXT[code] !== 1)
              return;
          }
          if (i === str.length)
            return;
          ++i;
        } else {
          valueStart = i;
          for (; i < str.length; ++i) {
            const code = str.charCodeAt(i);
            if (TOKEN[code] !== 1) {
              if (i === valueStart)
                return;
              break;
            }
          }
          value = str.slice(valueStart, i);
        }
        name = name.toLowerCase();
        if (params[name] === void 0)
          params[name] = value;
      }
      return params;
    }
    function parseDisposition(str, defDecoder) {
      if (str.length === 0)
        return;
      const params = /* @__PURE__ */ Object.create(null);
      let i = 0;
      for (; i < str.length; ++i) {
        const code = str.charCodeAt(i);
        if (TOKEN[code] !== 1) {
          if (parseDispositionParams(str, i, params, defDecoder) === void 0)
            return;
          break;
        }
      }
      const type = str.slice(0, i).toLowerCase();
      return { type, params };
    }
    function parseDispositionParams(str, i, params, defDecoder) {
      while (i < str.length) {
        for (; i < str.length; ++i) {
          const code = str.charCodeAt(i);
          if (code !== 32 && code !== 9)
            break;
        }
        if (i === str.length)
          break;
        if (str.charCodeAt(i++) !== 59)
          return;
        for (; i < str.length; ++i) {
          const code = str.charCodeAt(i);
          if (code !== 32 && code !== 9)
            break;
        }
        if (i === str.length)
          return;
        let name;
        const nameStart = i;
        for (; i < str.length; ++i) {
          const code = str.charCodeAt(i);
          if (TOKEN[code] !== 1) {
            if (code === 61)
              break;
            return;
          }
        }
        if (i === str.length)
          return;
        let value = "";
        let valueStart;
        let charset;
        name = str.slice(nameStart, i);
        if (name.charCodeAt(name.length - 1) === 42) {
          const charsetStart = ++i;
          for (; i < str.length; ++i) {
            const code = str.charCodeAt(i);
            if (CHARSET[code] !== 1) {
              if (code !== 39)
                return;
              break;
            }
          }
          if (i === str.length)
            return;
          charset = str.slice(charsetStart, i);
          ++i;
          for (; i < str.length; ++i) {
            const code = str.charCodeAt(i);
            if (code === 39)
              break;
          }
          if (i === str.length)
            return;
          ++i;
          if (i === str.length)
            return;
          valueStart = i;
          let encode = 0;
          for (; i < str.length; ++i) {
            const code = str.charCodeAt(i);
            if (EXTENDED_VALUE[code] !== 1) {
              if (code === 37) {
                let hexUpper;
                let hexLower;
                if (i + 2 < str.length && (hexUpper = HEX_VALUES[str.charCodeAt(i + 1)]) !== -1 && (hexLower = HEX_VALUES[str.charCodeAt(i + 2)]) !== -1) {
                  const byteVal = (hexUpper << 4) + hexLower;
                  value += str.slice(valueStart, i);
                  value += String.fromCharCode(byteVal);
                  i += 2;
                  valueStart = i + 1;
                  if (byteVal >= 128)
                    encode = 2;
                  else if (encode === 0)
                    encode = 1;
                  continue;
                }
                return;
              }
              break;
            }
          }
          value += str.slice(valueStart, i);
          value = convertToUTF8(value, charset, encode);
          if (value === void 0)
            return;
        } else {
          ++i;
          if (i === str.length)
            return;
          if (str.charCodeAt(i) === 34) {
            valueStart = ++i;
            let escaping = false;
            for (; i < str.length; ++i) {
              const code = str.charCodeAt(i);
              if (code === 92) {
                if (escaping) {
                  valueStart = i;
                  escaping = false;
                } else {
                  value += str.slice(valueStart, i);
                  escaping = true;
                }
                continue;
              }
              if (code === 34) {
                if (escaping) {
                  valueStart = i;
                  escaping = false;
                  continue;
                }
                value += str.slice(valueStart, i);
                break;
              }
              if (escaping) {
                valueStart = i - 1;
                escaping = false;
              }
              if (QDTEXT[code] !== 1)
                return;
            }
            if (i === str.length)
              return;
            ++i;
          } else {
            valueStart = i;
            for (; i < str.length; ++i) {
              const code = str.charCodeAt(i);
              if (TOKEN[code] !== 1) {
                if (i === valueStart)
                  return;
                break;
              }
            }
            value = str.slice(valueStart, i);
          }
          value = defDecoder(value, 2);
          if (value === void 0)
            return;
        }
        name = name.toLowerCase();
        if (params[name] === void 0)
          params[name] = value;
      }
      return params;
    }
    function getDecoder(charset) {
      let lc;
      while (true) {
        switch (charset) {
          case "utf-8":
          case "utf8":
            return decoders.utf8;
          case "latin1":
          case "ascii":
          // TODO: Make these a separate, strict decoder?
          case "us-ascii":
          case "iso-8859-1":
          case "iso8859-1":
          case "iso88591":
          case "iso_8859-1":
          case "windows-1252":
          case "iso_8859-1:1987":
          case "cp1252":
          case "x-cp1252":
            return decoders.latin1;
          case "utf16le":
          case "utf-16le":
          case "ucs2":
          case "ucs-2":
            return decoders.utf16le;
          case "base64":
            return decoders.base64;
          default:
            if (lc === void 0) {
              lc = true;
              charset = charset.toLowerCase();
              continue;
            }
            return decoders.other.bind(charset);
        }
      }
    }
    var decoders = {
      utf8: (data, hint) => {
        if (data.length === 0)
          return "";
        if (typeof data === "string") {
          if (hint < 2)
            return data;
          data = Buffer.from(data, "latin1");
        }
        return data.utf8Slice(0, data.length);
      },
      latin1: (data, hint) => {
        if (data.length === 0)
          return "";
        if (typeof data === "string")
          return data;
        return data.latin1Slice(0, data.length);
      },
      utf16le: (data, hint) => {
        if (data.length === 0)
          return "";
        if (typeof data === "string")
          data = Buffer.from(data, "latin1");
        return data.ucs2Slice(0, data.length);
      },
      base64: (data, hint) => {
        if (data.length === 0)
          return "";
        if (typeof data === "string")
          data = Buffer.from(data, "latin1");
        return data.base64Slice(0, data.length);
      },
      other: (data, hint) => {
        if (data.length === 0)
          return "";
        if (typeof data === "string")
          data = Buffer.from(data, "latin1");
        try {
          const decoder = new TextDecoder(exports);
          return decoder.decode(data);
        } catch {
        }
      }
    };
    function convertToUTF8(data, charset, hint) {
      const decode = getDecoder(charset);
      if (decode)
        return decode(data, hint);
    }
    function basename(path) {
      if (typeof path !== "string")
        return "";
      for (let i = path.length - 1; i >= 0; --i) {
        switch (path.charCodeAt(i)) {
          case 47:
          // '/'
          case 92:
            path = path.slice(i + 1);
            return path === ".." || path === "." ? "" : path;
        }
      }
      return path === ".." || path === "." ? "" : path;
    }
    var TOKEN = [
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      1,
      1,
      0,
      1,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      1,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0
    ];
    var QDTEXT = [
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1
    ];
    var CHARSET = [
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      0,
      1,
      0,
      1,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      1,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0
    ];
    var EXTENDED_VALUE = [
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      1,
      1,
      0,
      1,
      0,
      0,
      0,
      0,
      1,
      0,
      1,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      1,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0
    ];
    var HEX_VALUES = [
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      9,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      10,
      11,
      12,
      13,
      14,
      15,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      10,
      11,
      12,
      13,
      14,
      15,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1
    ];
    module.exports = {
      basename,
      convertToUTF8,
      getDecoder,
      parseContentType,
      parseDisposition
    };
  }
});

// node_modules/streamsearch/lib/sbmh.js
var require_sbmh = __commonJS({
  "node_modules/streamsearch/lib/sbmh.js"(exports, module) {
    "use strict";
    function memcmp(buf1, pos1, buf2, pos2, num) {
      for (let i = 0; i < num; ++i) {
        if (buf1[pos1 + i] !== buf2[pos2 + i])
          return false;
      }
      return true;
    }
    var SBMH = class {
      constructor(needle, cb) {
        if (typeof cb !== "function")
          throw new Error("Missing match callback");
        if (typeof needle === "string")
          needle = Buffer.from(needle);
        else if (!Buffer.isBuffer(needle))
          throw new Error(`Expected Buffer for needle, got ${typeof needle}`);
        const needleLen = needle.length;
        this.maxMatches = Infinity;
        this.matches = 0;
        this._cb = cb;
        this._lookbehindSize = 0;
        this._needle = needle;
        this._bufPos = 0;
        this._lookbehind = Buffer.allocUnsafe(needleLen);
        this._occ = [
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen
        ];
        if (needleLen > 1) {
          for (let i = 0; i < needleLen - 1; ++i)
            this._occ[needle[i]] = needleLen - 1 - i;
        }
      }
      reset() {
        this.matches = 0;
        this._lookbehindSize = 0;
        this._bufPos = 0;
      }
      push(chunk, pos) {
        let result;
        if (!Buffer.isBuffer(chunk))
          chunk = Buffer.from(chunk, "latin1");
        const chunkLen = chunk.length;
        this._bufPos = pos || 0;
        while (result !== chunkLen && this.matches < this.maxMatches)
          result = feed(this, chunk);
        return result;
      }
      destroy() {
        const lbSize = this._lookbehindSize;
        if (lbSize)
          this._cb(false, this._lookbehind, 0, lbSize, false);
        this.reset();
      }
    };
    function feed(self, data) {
      const len = data.length;
      const needle = self._needle;
      const needleLen = needle.length;
      let pos = -self._lookbehindSize;
      const lastNeedleCharPos = needleLen - 1;
      const lastNeedleChar = needle[lastNeedleCharPos];
      const end = len - needleLen;
      const occ = self._occ;
      const lookbehind = self._lookbehind;
      if (pos < 0) {
        while (pos < 0 && pos <= end) {
          const nextPos = pos + lastNeedleCharPos;
          const ch = nextPos < 0 ? lookbehind[self._lookbehindSize + nextPos] : data[nextPos];
          if (ch === lastNeedleChar && matchNeedle(self, data, pos, lastNeedleCharPos)) {
            self._lookbehindSize = 0;
            ++self.matches;
            if (pos > -self._lookbehindSize)
              self._cb(true, lookbehind, 0, self._lookbehindSize + pos, false);
            else
              self._cb(true, void 0, 0, 0, true);
            return self._bufPos = pos + needleLen;
          }
          pos += occ[ch];
        }
        while (pos < 0 && !matchNeedle(self, data, pos, len - pos))
          ++pos;
        if (pos < 0) {
          const bytesToCutOff = self._lookbehindSize + pos;
          if (bytesToCutOff > 0) {
            self._cb(false, lookbehind, 0, bytesToCutOff, false);
          }
          self._lookbehindSize -= bytesToCutOff;
          lookbehind.copy(lookbehind, 0, bytesToCutOff, self._lookbehindSize);
          lookbehind.set(data, self._lookbehindSize);
          self._lookbehindSize += len;
          self._bufPos = len;
          return len;
        }
        self._cb(false, lookbehind, 0, self._lookbehindSize, false);
        self._lookbehindSize = 0;
      }
      pos += self._bufPos;
      const firstNeedleChar = needle[0];
      while (pos <= end) {
        const ch = data[pos + lastNeedleCharPos];
        if (ch === lastNeedleChar && data[pos] === firstNeedleChar && memcmp(needle, 0, data, pos, lastNeedleCharPos)) {
          ++self.matches;
          if (pos > 0)
            self._cb(true, data, self._bufPos, pos, true);
          else
            self._cb(true, void 0, 0, 0, true);
          return self._bufPos = pos + needleLen;
        }
        pos += occ[ch];
      }
      while (pos < len) {
        if (data[pos] !== firstNeedleChar || !memcmp(data, pos, needle, 0, len - pos)) {
          ++pos;
          continue;
        }
        data.copy(lookbehind, 0, pos, len);
        self._lookbehindSize = len - pos;
        break;
      }
      if (pos > 0)
        self._cb(false, data, self._bufPos, pos < len ? pos : len, true);
      self._bufPos = len;
      return len;
    }
    function matchNeedle(self, data, pos, len) {
      const lb = self._lookbehind;
      const lbSize = self._lookbehindSize;
      const needle = self._needle;
      for (let i = 0; i < len; ++i, ++pos) {
        const ch = pos < 0 ? lb[lbSize + pos] : data[pos];
        if (ch !== needle[i])
          return false;
      }
      return true;
    }
    module.exports = SBMH;
  }
});

// node_modules/busboy/lib/types/multipart.js
var require_multipart = __commonJS({
  "node_modules/busboy/lib/types/multipart.js"(exports, module) {
    "use strict";
    var { Readable, Writable } = __require("stream");
    var StreamSearch = require_sbmh();
    var {
      basename,
      convertToUTF8,
      getDecoder,
      parseContentType,
      parseDisposition
    } = require_utils();
    var BUF_CRLF = Buffer.from("\r\n");
    var BUF_CR = Buffer.from("\r");
    var BUF_DASH = Buffer.from("-");
    function noop() {
    }
    var MAX_HEADER_PAIRS = 2e3;
    var MAX_HEADER_SIZE = 16 * 1024;
    var HPARSER_NAME = 0;
    var HPARSER_PRE_OWS = 1;
    var HPARSER_VALUE = 2;
    var HeaderParser = class {
      constructor(cb) {
        this.header = /* @__PURE__ */ Object.create(null);
        this.pairCount = 0;
        this.byteCount = 0;
        this.state = HPARSER_NAME;
        this.name = "";
        this.value = "";
        this.crlf = 0;
        this.cb = cb;
      }
      reset() {
        this.header = /* @__PURE__ */ Object.create(null);
        this.pairCount = 0;
        this.byteCount = 0;
        this.state = HPARSER_NAME;
        this.name = "";
        this.value = "";
        this.crlf = 0;
      }
      push(chunk, pos, end) {
        let start = pos;
        while (pos < end) {
          switch (this.state) {
            case HPARSER_NAME: {
              let done = false;
              for (; pos < end; ++pos) {
                if (this.byteCount === MAX_HEADER_SIZE)
                  return -1;
                ++this.byteCount;
                const code = chunk[pos];
                if (TOKEN[code] !== 1) {
                  if (code !== 58)
                    return -1;
                  this.name += chunk.latin1Slice(start, pos);
                  if (this.name.length === 0)
                    return -1;
                  ++pos;
                  done = true;
                  this.state = HPARSER_PRE_OWS;
                  break;
                }
              }
              if (!done) {
                this.name += chunk.latin1Slice(start, pos);
                break;
              }
            }
            case HPARSER_PRE_OWS: {
              let done = false;
              for (; pos < end; ++pos) {
                if (this.byteCount === MAX_HEADER_SIZE)
                  return -1;
                ++this.byteCount;
                const code = chunk[pos];
                if (code !== 32 && code !== 9) {
                  start = pos;
                  done = true;
                  this.state = HPARSER_VALUE;
                  break;
                }
              }
              if (!done)
                break;
            }
            case HPARSER_VALUE:
              switch (this.crlf) {
                case 0:
                  for (; pos < end; ++pos) {
                    if (this.byteCount === MAX_HEADER_SIZE)
                      return -1;
                    ++this.byteCount;
                    const code = chunk[pos];
                    if (FIELD_VCHAR[code] !== 1) {
                      if (code !== 13)
                        return -1;
                      ++this.crlf;
                      break;
                    }
                  }
                  this.value += chunk.latin1Slice(start, pos++);
                  break;
                case 1:
                  if (this.byteCount === MAX_HEADER_SIZE)
                    return -1;
                  ++this.byteCount;
                  if (chunk[pos++] !== 10)
                    return -1;
                  ++this.crlf;
                  break;
                case 2: {
                  if (this.byteCount === MAX_HEADER_SIZE)
                    return -1;
                  ++this.byteCount;
                  const code = chunk[pos];
                  if (code === 32 || code === 9) {
                    start = pos;
                    this.crlf = 0;
                  } else {
                    if (++this.pairCount < MAX_HEADER_PAIRS) {
                      this.name = this.name.toLowerCase();
                      if (this.header[this.name] === void 0)
                        this.header[this.name] = [this.value];
                      else
                        this.header[this.name].push(this.value);
                    }
                    if (code === 13) {
                      ++this.crlf;
                      ++pos;
                    } else {
                      start = pos;
                      this.crlf = 0;
                      this.state = HPARSER_NAME;
                      this.name = "";
                      this.value = "";
                    }
                  }
                  break;
                }
                case 3: {
                  if (this.byteCount === MAX_HEADER_SIZE)
                    return -1;
                  ++this.byteCount;
                  if (chunk[pos++] !== 10)
                    return -1;
                  const header = this.header;
                  this.reset();
                  this.cb(header);
                  return pos;
                }
              }
              break;
          }
        }
        return pos;
      }
    };
    var FileStream = class extends Readable {
      constructor(opts, owner) {
        super(opts);
        this.truncated = false;
        this._readcb = null;
        this.once("end", () => {
          this._read();
          if (--owner._fileEndsLeft === 0 && owner._finalcb) {
            const cb = owner._finalcb;
            owner._finalcb = null;
            process.nextTick(cb);
          }
        });
      }
      _read(n) {
        const cb = this._readcb;
        if (cb) {
          this._readcb = null;
          cb();
        }
      }
    };
    var ignoreData = {
      push: (chunk, pos) => {
      },
      destroy: () => {
      }
    };
    function callAndUnsetCb(self, err) {
      const cb = self._writecb;
      self._writecb = null;
      if (err)
        self.destroy(err);
      else if (cb)
        cb();
    }
    function nullDecoder(val, hint) {
      return val;
    }
    var Multipart = class extends Writable {
      constructor(cfg) {
        const streamOpts = {
          autoDestroy: true,
          emitClose: true,
          highWaterMark: typeof cfg.highWaterMark === "number" ? cfg.highWaterMark : void 0
        };
        super(streamOpts);
        if (!cfg.conType.params || typeof cfg.conType.params.boundary !== "string")
          throw new Error("Multipart: Boundary not found");
        const boundary = cfg.conType.params.boundary;
        const paramDecoder = typeof cfg.defParamCharset === "string" && cfg.defParamCharset ? getDecoder(cfg.defParamCharset) : nullDecoder;
        const defCharset = cfg.defCharset || "utf8";
        const preservePath = cfg.preservePath;
        const fileOpts = {
          autoDestroy: true,
          emitClose: true,
          highWaterMark: typeof cfg.fileHwm === "number" ? cfg.fileHwm : void 0
        };
        const limits = cfg.limits;
        const fieldSizeLimit = limits && typeof limits.fieldSize === "number" ? limits.fieldSize : 1 * 1024 * 1024;
        const fileSizeLimit = limits && typeof limits.fileSize === "number" ? limits.fileSize : Infinity;
        const filesLimit = limits && typeof limits.files === "number" ? limits.files : Infinity;
        const fieldsLimit = limits && typeof limits.fields === "number" ? limits.fields : Infinity;
        const partsLimit = limits && typeof limits.parts === "number" ? limits.parts : Infinity;
        let parts = -1;
        let fields = 0;
        let files = 0;
        let skipPart = false;
        this._fileEndsLeft = 0;
        this._fileStream = void 0;
        this._complete = false;
        let fileSize = 0;
        let field;
        let fieldSize = 0;
        let partCharset;
        let partEncoding;
        let partType;
        let partName;
        let partTruncated = false;
        let hitFilesLimit = false;
        let hitFieldsLimit = false;
        this._hparser = null;
        const hparser = new HeaderParser((header) => {
          this._hparser = null;
          skipPart = false;
          partType = "text/plain";
          partCharset = defCharset;
          partEncoding = "7bit";
          partName = void 0;
          partTruncated = false;
          let filename;
          if (!header["content-disposition"]) {
            skipPart = true;
            return;
          }
          const disp = parseDisposition(
            header["content-disposition"][0],
            paramDecoder
          );
          if (!disp || disp.type !== "form-data") {
            skipPart = true;
            return;
          }
          if (disp.params) {
            if (disp.params.name)
              partName = disp.params.name;
            if (disp.params["filename*"])
              filename = disp.params["filename*"];
            else if (disp.params.filename)
              filename = disp.params.filename;
            if (filename !== void 0 && !preservePath)
              filename = basename(filename);
          }
          if (header["content-type"]) {
            const conType = parseContentType(header["content-type"][0]);
            if (conType) {
              partType = `${conType.type}/${conType.subtype}`;
              if (conType.params && typeof conType.params.charset === "string")
                partCharset = conType.params.charset.toLowerCase();
            }
          }
          if (header["content-transfer-encoding"])
            partEncoding = header["content-transfer-encoding"][0].toLowerCase();
          if (partType === "application/octet-stream" || filename !== void 0) {
            if (files === filesLimit) {
              if (!hitFilesLimit) {
                hitFilesLimit = true;
                this.emit("filesLimit");
              }
              skipPart = true;
              return;
            }
            ++files;
            if (this.listenerCount("file") === 0) {
              skipPart = true;
              return;
            }
            fileSize = 0;
            this._fileStream = new FileStream(fileOpts, this);
            ++this._fileEndsLeft;
            this.emit(
              "file",
              partName,
              this._fileStream,
              {
                filename,
                encoding: partEncoding,
                mimeType: partType
              }
            );
          } else {
            if (fields === fieldsLimit) {
              if (!hitFieldsLimit) {
                hitFieldsLimit = true;
                this.emit("fieldsLimit");
              }
              skipPart = true;
              return;
            }
            ++fields;
            if (this.listenerCount("field") === 0) {
              skipPart = true;
              return;
            }
            field = [];
            fieldSize = 0;
          }
        });
        let matchPostBoundary = 0;
        const ssCb = (isMatch, data, start, end, isDataSafe) => {
          retrydata:
            while (data) {
              if (this._hparser !== null) {
                const ret = this._hparser.push(data, start, end);
                if (ret === -1) {
                  this._hparser = null;
                  hparser.reset();
                  this.emit("error", new Error("Malformed part header"));
                  break;
                }
                start = ret;
              }
              if (start === end)
                break;
              if (matchPostBoundary !== 0) {
                if (matchPostBoundary === 1) {
                  switch (data[start]) {
                    case 45:
                      matchPostBoundary = 2;
                      ++start;
                      break;
                    case 13:
                      matchPostBoundary = 3;
                      ++start;
                      break;
                    default:
                      matchPostBoundary = 0;
                  }
                  if (start === end)
                    return;
                }
                if (matchPostBoundary === 2) {
                  matchPostBoundary = 0;
                  if (data[start] === 45) {
                    this._complete = true;
                    this._bparser = ignoreData;
                    return;
                  }
                  const writecb = this._writecb;
                  this._writecb = noop;
                  ssCb(false, BUF_DASH, 0, 1, false);
                  this._writecb = writecb;
                } else if (matchPostBoundary === 3) {
                  matchPostBoundary = 0;
                  if (data[start] === 10) {
                    ++start;
                    if (parts >= partsLimit)
                      break;
                    this._hparser = hparser;
                    if (start === end)
                      break;
                    continue retrydata;
                  } else {
                    const writecb = this._writecb;
                    this._writecb = noop;
                    ssCb(false, BUF_CR, 0, 1, false);
                    this._writecb = writecb;
                  }
                }
              }
              if (!skipPart) {
                if (this._fileStream) {
                  let chunk;
                  const actualLen = Math.min(end - start, fileSizeLimit - fileSize);
                  if (!isDataSafe) {
                    chunk = Buffer.allocUnsafe(actualLen);
                    data.copy(chunk, 0, start, start + actualLen);
                  } else {
                    chunk = data.slice(start, start + actualLen);
                  }
                  fileSize += chunk.length;
                  if (fileSize === fileSizeLimit) {
                    if (chunk.length > 0)
                      this._fileStream.push(chunk);
                    this._fileStream.emit("limit");
                    this._fileStream.truncated = true;
                    skipPart = true;
                  } else if (!this._fileStream.push(chunk)) {
                    if (this._writecb)
                      this._fileStream._readcb = this._writecb;
                    this._writecb = null;
                  }
                } else if (field !== void 0) {
                  let chunk;
                  const actualLen = Math.min(
                    end - start,
                    fieldSizeLimit - fieldSize
                  );
                  if (!isDataSafe) {
                    chunk = Buffer.allocUnsafe(actualLen);
                    data.copy(chunk, 0, start, start + actualLen);
                  } else {
                    chunk = data.slice(start, start + actualLen);
                  }
                  fieldSize += actualLen;
                  field.push(chunk);
                  if (fieldSize === fieldSizeLimit) {
                    skipPart = true;
                    partTruncated = true;
                  }
                }
              }
              break;
            }
          if (isMatch) {
            matchPostBoundary = 1;
            if (this._fileStream) {
              this._fileStream.push(null);
              this._fileStream = null;
            } else if (field !== void 0) {
              let data2;
              switch (field.length) {
                case 0:
                  data2 = "";
                  break;
                case 1:
                  data2 = convertToUTF8(field[0], partCharset, 0);
                  break;
                default:
                  data2 = convertToUTF8(
                    Buffer.concat(field, fieldSize),
                    partCharset,
                    0
                  );
              }
              field = void 0;
              fieldSize = 0;
              this.emit(
                "field",
                partName,
                data2,
                {
                  nameTruncated: false,
                  valueTruncated: partTruncated,
                  encoding: partEncoding,
                  mimeType: partType
                }
              );
            }
            if (++parts === partsLimit)
              this.emit("partsLimit");
          }
        };
        this._bparser = new StreamSearch(`\r
--${boundary}`, ssCb);
        this._writecb = null;
        this._finalcb = null;
        this.write(BUF_CRLF);
      }
      static detect(conType) {
        return conType.type === "multipart" && conType.subtype === "form-data";
      }
      _write(chunk, enc, cb) {
        this._writecb = cb;
        this._bparser.push(chunk, 0);
        if (this._writecb)
          callAndUnsetCb(this);
      }
      _destroy(err, cb) {
        this._hparser = null;
        this._bparser = ignoreData;
        if (!err)
          err = checkEndState(this);
        const fileStream = this._fileStream;
        if (fileStream) {
          this._fileStream = null;
          fileStream.destroy(err);
        }
        cb(err);
      }
      _final(cb) {
        this._bparser.destroy();
        if (!this._complete)
          return cb(new Error("Unexpected end of form"));
        if (this._fileEndsLeft)
          this._finalcb = finalcb.bind(null, this, cb);
        else
          finalcb(this, cb);
      }
    };
    function finalcb(self, cb, err) {
      if (err)
        return cb(err);
      err = checkEndState(self);
      cb(err);
    }
    function checkEndState(self) {
      if (self._hparser)
        return new Error("Malformed part header");
      const fileStream = self._fileStream;
      if (fileStream) {
        self._fileStream = null;
        fileStream.destroy(new Error("Unexpected end of file"));
      }
      if (!self._complete)
        return new Error("Unexpected end of form");
    }
    var TOKEN = [
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      1,
      1,
      0,
      1,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      1,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0
    ];
    var FIELD_VCHAR = [
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1
    ];
    module.exports = Multipart;
  }
});

// node_modules/busboy/lib/types/urlencoded.js
var require_urlencoded = __commonJS({
  "node_modules/busboy/lib/types/urlencoded.js"(exports, module) {
    "use strict";
    var { Writable } = __require("stream");
    var { getDecoder } = require_utils();
    var URLEncoded = class extends Writable {
      constructor(cfg) {
        const streamOpts = {
          autoDestroy: true,
          emitClose: true,
          highWaterMark: typeof cfg.highWaterMark === "number" ? cfg.highWaterMark : void 0
        };
        super(streamOpts);
        let charset = cfg.defCharset || "utf8";
        if (cfg.conType.params && typeof cfg.conType.params.charset === "string")
          charset = cfg.conType.params.charset;
        this.charset = charset;
        const limits = cfg.limits;
        this.fieldSizeLimit = limits && typeof limits.fieldSize === "number" ? limits.fieldSize : 1 * 1024 * 1024;
        this.fieldsLimit = limits && typeof limits.fields === "number" ? limits.fields : Infinity;
        this.fieldNameSizeLimit = limits && typeof limits.fieldNameSize === "number" ? limits.fieldNameSize : 100;
        this._inKey = true;
        this._keyTrunc = false;
        this._valTrunc = false;
        this._bytesKey = 0;
        this._bytesVal = 0;
        this._fields = 0;
        this._key = "";
        this._val = "";
        this._byte = -2;
        this._lastPos = 0;
        this._encode = 0;
        this._decoder = getDecoder(charset);
      }
      static detect(conType) {
        return conType.type === "application" && conType.subtype === "x-www-form-urlencoded";
      }
      _write(chunk, enc, cb) {
        if (this._fields >= this.fieldsLimit)
          return cb();
        let i = 0;
        const len = chunk.length;
        this._lastPos = 0;
        if (this._byte !== -2) {
          i = readPctEnc(this, chunk, i, len);
          if (i === -1)
            return cb(new Error("Malformed urlencoded form"));
          if (i >= len)
            return cb();
          if (this._inKey)
            ++this._bytesKey;
          else
            ++this._bytesVal;
        }
        main:
          while (i < len) {
            if (this._inKey) {
              i = skipKeyBytes(this, chunk, i, len);
              while (i < len) {
                switch (chunk[i]) {
                  case 61:
                    if (this._lastPos < i)
                      this._key += chunk.latin1Slice(this._lastPos, i);
                    this._lastPos = ++i;
                    this._key = this._decoder(this._key, this._encode);
                    this._encode = 0;
                    this._inKey = false;
                    continue main;
                  case 38:
                    if (this._lastPos < i)
                      this._key += chunk.latin1Slice(this._lastPos, i);
                    this._lastPos = ++i;
                    this._key = this._decoder(this._key, this._encode);
                    this._encode = 0;
                    if (this._bytesKey > 0) {
                      this.emit(
                        "field",
                        this._key,
                        "",
                        {
                          nameTruncated: this._keyTrunc,
                          valueTruncated: false,
                          encoding: this.charset,
                          mimeType: "text/plain"
                        }
                      );
                    }
                    this._key = "";
                    this._val = "";
                    this._keyTrunc = false;
                    this._valTrunc = false;
                    this._bytesKey = 0;
                    this._bytesVal = 0;
                    if (++this._fields >= this.fieldsLimit) {
                      this.emit("fieldsLimit");
                      return cb();
                    }
                    continue;
                  case 43:
                    if (this._lastPos < i)
                      this._key += chunk.latin1Slice(this._lastPos, i);
                    this._key += " ";
                    this._lastPos = i + 1;
                    break;
                  case 37:
                    if (this._encode === 0)
                      this._encode = 1;
                    if (this._lastPos < i)
                      this._key += chunk.latin1Slice(this._lastPos, i);
                    this._lastPos = i + 1;
                    this._byte = -1;
                    i = readPctEnc(this, chunk, i + 1, len);
                    if (i === -1)
                      return cb(new Error("Malformed urlencoded form"));
                    if (i >= len)
                      return cb();
                    ++this._bytesKey;
                    i = skipKeyBytes(this, chunk, i, len);
                    continue;
                }
                ++i;
                ++this._bytesKey;
                i = skipKeyBytes(this, chunk, i, len);
              }
              if (this._lastPos < i)
                this._key += chunk.latin1Slice(this._lastPos, i);
            } else {
              i = skipValBytes(this, chunk, i, len);
              while (i < len) {
                switch (chunk[i]) {
                  case 38:
                    if (this._lastPos < i)
                      this._val += chunk.latin1Slice(this._lastPos, i);
                    this._lastPos = ++i;
                    this._inKey = true;
                    this._val = this._decoder(this._val, this._encode);
                    this._encode = 0;
                    if (this._bytesKey > 0 || this._bytesVal > 0) {
                      this.emit(
                        "field",
                        this._key,
                        this._val,
                        {
                          nameTruncated: this._keyTrunc,
                          valueTruncated: this._valTrunc,
                          encoding: this.charset,
                          mimeType: "text/plain"
                        }
                      );
                    }
                    this._key = "";
                    this._val = "";
                    this._keyTrunc = false;
                    this._valTrunc = false;
                    this._bytesKey = 0;
                    this._bytesVal = 0;
                    if (++this._fields >= this.fieldsLimit) {
                      this.emit("fieldsLimit");
                      return cb();
                    }
                    continue main;
                  case 43:
                    if (this._lastPos < i)
                      this._val += chunk.latin1Slice(this._lastPos, i);
                    this._val += " ";
                    this._lastPos = i + 1;
                    break;
                  case 37:
                    if (this._encode === 0)
                      this._encode = 1;
                    if (this._lastPos < i)
                      this._val += chunk.latin1Slice(this._lastPos, i);
                    this._lastPos = i + 1;
                    this._byte = -1;
                    i = readPctEnc(this, chunk, i + 1, len);
                    if (i === -1)
                      return cb(new Error("Malformed urlencoded form"));
                    if (i >= len)
                      return cb();
                    ++this._bytesVal;
                    i = skipValBytes(this, chunk, i, len);
                    continue;
                }
                ++i;
                ++this._bytesVal;
                i = skipValBytes(this, chunk, i, len);
              }
              if (this._lastPos < i)
                this._val += chunk.latin1Slice(this._lastPos, i);
            }
          }
        cb();
      }
      _final(cb) {
        if (this._byte !== -2)
          return cb(new Error("Malformed urlencoded form"));
        if (!this._inKey || this._bytesKey > 0 || this._bytesVal > 0) {
          if (this._inKey)
            this._key = this._decoder(this._key, this._encode);
          else
            this._val = this._decoder(this._val, this._encode);
          this.emit(
            "field",
            this._key,
            this._val,
            {
              nameTruncated: this._keyTrunc,
              valueTruncated: this._valTrunc,
              encoding: this.charset,
              mimeType: "text/plain"
            }
          );
        }
        cb();
      }
    };
    function readPctEnc(self, chunk, pos, len) {
      if (pos >= len)
        return len;
      if (self._byte === -1) {
        const hexUpper = HEX_VALUES[chunk[pos++]];
        if (hexUpper === -1)
          return -1;
        if (hexUpper >= 8)
          self._encode = 2;
        if (pos < len) {
          const hexLower = HEX_VALUES[chunk[pos++]];
          if (hexLower === -1)
            return -1;
          if (self._inKey)
            self._key += String.fromCharCode((hexUpper << 4) + hexLower);
          else
            self._val += String.fromCharCode((hexUpper << 4) + hexLower);
          self._byte = -2;
          self._lastPos = pos;
        } else {
          self._byte = hexUpper;
        }
      } else {
        const hexLower = HEX_VALUES[chunk[pos++]];
        if (hexLower === -1)
          return -1;
        if (self._inKey)
          self._key += String.fromCharCode((self._byte << 4) + hexLower);
        else
          self._val += String.fromCharCode((self._byte << 4) + hexLower);
        self._byte = -2;
        self._lastPos = pos;
      }
      return pos;
    }
    function skipKeyBytes(self, chunk, pos, len) {
      if (self._bytesKey > self.fieldNameSizeLimit) {
        if (!self._keyTrunc) {
          if (self._lastPos < pos)
            self._key += chunk.latin1Slice(self._lastPos, pos - 1);
        }
        self._keyTrunc = true;
        for (; pos < len; ++pos) {
          const code = chunk[pos];
          if (code === 61 || code === 38)
            break;
          ++self._bytesKey;
        }
        self._lastPos = pos;
      }
      return pos;
    }
    function skipValBytes(self, chunk, pos, len) {
      if (self._bytesVal > self.fieldSizeLimit) {
        if (!self._valTrunc) {
          if (self._lastPos < pos)
            self._val += chunk.latin1Slice(self._lastPos, pos - 1);
        }
        self._valTrunc = true;
        for (; pos < len; ++pos) {
          if (chunk[pos] === 38)
            break;
          ++self._bytesVal;
        }
        self._lastPos = pos;
      }
      return pos;
    }
    var HEX_VALUES = [
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      9,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      10,
      11,
      12,
      13,
      14,
      15,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      10,
      11,
      12,
      13,
      14,
      15,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1
    ];
    module.exports = URLEncoded;
  }
});

// node_modules/busboy/lib/index.js
var require_lib = __commonJS({
  "node_modules/busboy/lib/index.js"(exports, module) {
    "use strict";
    var { parseContentType } = require_utils();
    function getInstance(cfg) {
      const headers = cfg.headers;
      const conType = parseContentType(headers["content-type"]);
      if (!conType)
        throw new Error("Malformed content type");
      for (const type of TYPES) {
        const matched = type.detect(conType);
        if (!matched)
          continue;
        const instanceCfg = {
          limits: cfg.limits,
          headers,
          conType,
          highWaterMark: void 0,
          fileHwm: void 0,
          defCharset: void 0,
          defParamCharset: void 0,
          preservePath: false
        };
        if (cfg.highWaterMark)
          instanceCfg.highWaterMark = cfg.highWaterMark;
        if (cfg.fileHwm)
          instanceCfg.fileHwm = cfg.fileHwm;
        instanceCfg.defCharset = cfg.defCharset;
        instanceCfg.defParamCharset = cfg.defParamCharset;
        instanceCfg.preservePath = cfg.preservePath;
        return new type(instanceCfg);
      }
      throw new Error(`Unsupported content type: ${headers["content-type"]}`);
    }
    var TYPES = [
      require_multipart(),
      require_urlencoded()
    ].filter(function(typemod) {
      return typeof typemod.detect === "function";
    });
    module.exports = (cfg) => {
      if (typeof cfg !== "object" || cfg === null)
        cfg = {};
      if (typeof cfg.headers !== "object" || cfg.headers === null || typeof cfg.headers["content-type"] !== "string") {
        throw new Error("Missing Content-Type");
      }
      return getInstance(cfg);
    };
  }
});

// examples/validation-platform/server.ts
import { parseArgs } from "node:util";

// examples/validation-platform/service.ts
import { createServer } from "node:http";

// examples/validation-platform/app.ts
import { setTimeout as sleep } from "node:timers/promises";

// examples/validation-platform/db.ts
import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
var DEMO_EMAIL = "test@example.com";
var DEMO_PASSWORD = "password";
var VALIDATION_RESULTS = ["TP", "FP", "FN", "TN"];
var MIGRATIONS = [
  `CREATE TABLE users (
     id            INTEGER PRIMARY KEY,
     email         TEXT NOT NULL UNIQUE,
     password_hash TEXT NOT NULL,
     created_at    TEXT NOT NULL
   );
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     created_at TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX sessions_user_id ON sessions(user_id);
   CREATE TABLE projects (
     id           INTEGER PRIMARY KEY,
     owner_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     name         TEXT NOT NULL,
     description  TEXT,
     camera_model TEXT NOT NULL,
     camera_view  TEXT NOT NULL,
     signal_type  TEXT NOT NULL,
     status       TEXT NOT NULL DEFAULT 'active',
     created_at   TEXT NOT NULL
   );
   CREATE INDEX projects_owner_id ON projects(owner_id);
   CREATE TABLE test_sessions (
     id           INTEGER PRIMARY KEY,
     project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     owner_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     name         TEXT NOT NULL,
     video_id     INTEGER,
     tolerance_ms INTEGER NOT NULL DEFAULT 100,
     status       TEXT NOT NULL DEFAULT 'pending',
     created_at   TEXT NOT NULL
   );
   CREATE INDEX test_sessions_project_id ON test_sessions(project_id);
   CREATE INDEX test_sessions_owner_id ON test_sessions(owner_id);`,
  // `users.project_count` is kept by triggers, so that a page of a user's projects costs the same
  // with 10 or 100 000 of them: counting the rows for `total` walks the owner's whole index range.
  // detection_events is read by session (and counted by result) through one covering index.
  `ALTER TABLE users ADD COLUMN project_count INTEGER NOT NULL DEFAULT 0;
   UPDATE users SET project_count = (SELECT COUNT(*) FROM projects WHERE owner_id = users.id);
   CREATE TRIGGER projects_count_insert AFTER INSERT ON projects BEGIN
     UPDATE users SET project_count = project_count + 1 WHERE id = NEW.owner_id;
   END;
   CREATE TRIGGER projects_count_delete AFTER DELETE ON projects BEGIN
     UPDATE users SET project_count = project_count - 1 WHERE id = OLD.owner_id;
   END;
   CREATE TRIGGER projects_count_move AFTER UPDATE OF owner_id ON projects BEGIN
     UPDATE users SET project_count = project_count - 1 WHERE id = OLD.owner_id;
     UPDATE users SET project_count = project_count + 1 WHERE id = NEW.owner_id;
   END;
   CREATE TABLE detection_events (
     id                INTEGER PRIMARY KEY,
     test_session_id   INTEGER NOT NULL REFERENCES test_sessions(id) ON DELETE CASCADE,
     timestamp_s       REAL NOT NULL,
     confidence        REAL NOT NULL,
     class_label       TEXT NOT NULL,
     validation_result TEXT NOT NULL CHECK (validation_result IN ('TP', 'FP', 'FN', 'TN')),
     created_at        TEXT NOT NULL
   );
   CREATE INDEX detection_events_session_result
     ON detection_events(test_session_id, validation_result);`,
  // Uploaded videos and the moving objects the service's own detector found in them
  // (video-store.ts); times in seconds, boxes in pixels.
  `CREATE TABLE videos (
     id           INTEGER PRIMARY KEY,
     owner_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     name         TEXT NOT NULL,
     status       TEXT NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'processing', 'done', 'failed')),
     progress     REAL NOT NULL DEFAULT 0,
     width        INTEGER NOT NULL,
     height       INTEGER NOT NULL,
     fps          REAL NOT NULL,
     frames       INTEGER NOT NULL,
     duration_s   REAL NOT NULL,
     detections   INTEGER NOT NULL DEFAULT 0,
     error        TEXT,
     processing_s REAL,
     created_at   TEXT NOT NULL,
     started_at   TEXT,
     finished_at  TEXT
   );
   CREATE INDEX videos_owner_id ON videos(owner_id);
   CREATE TABLE video_detections (
     id       INTEGER PRIMARY KEY,
     video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
     frame    INTEGER NOT NULL,
     time_s   REAL NOT NULL,
     x        INTEGER NOT NULL,
     y        INTEGER NOT NULL,
     width    INTEGER NOT NULL,
     height   INTEGER NOT NULL,
     area     INTEGER NOT NULL
   );
   CREATE INDEX video_detections_video_frame ON video_detections(video_id, frame);`
];
function openDatabase(path) {
  const db = new DatabaseSync(path, { enableForeignKeyConstraints: true, timeout: 5e3 });
  try {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
function migrate(db) {
  const row = db.prepare("PRAGMA user_version").get();
  const current = row?.user_version ?? 0;
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.exec("BEGIN");
    try {
      db.exec(MIGRATIONS[version]);
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }
}
var SCRYPT_KEY_BYTES = 64;
var SALT_BYTES = 16;
function encodePasswordHash(salt, key) {
  return `scrypt$${salt.toString("hex")}$${key.toString("hex")}`;
}
function hashPassword(password) {
  const salt = randomBytes(SALT_BYTES);
  return encodePasswordHash(salt, scryptSync(password, salt, SCRYPT_KEY_BYTES));
}
async function verifyPassword(password, stored) {
  const [scheme, saltHex, keyHex] = stored.split("$");
  if (scheme !== "scrypt" || saltHex === void 0 || keyHex === void 0) return false;
  const expected = Buffer.from(keyHex, "hex");
  const actual = await new Promise((resolve, reject) => {
    scrypt(
      password,
      Buffer.from(saltHex, "hex"),
      expected.length,
      (error, key) => error ? reject(error) : resolve(key)
    );
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
function createUser(db, email, password) {
  const row = db.prepare("INSERT INTO users (email, password_hash, created_at) VALUES (?, ?, ?) RETURNING id").get(email, hashPassword(password), (/* @__PURE__ */ new Date()).toISOString());
  return row.id;
}
var DEMO_PROJECTS = [
  {
    name: "Front VRU detection",
    camera_model: "FLIR Blackfly S",
    camera_view: "Front-facing VRU",
    signal_type: "GPIO"
  },
  {
    name: "Rear cyclist warning",
    camera_model: "Sony IMX390",
    camera_view: "Rear-facing VRU",
    signal_type: "CAN"
  },
  {
    name: "Driver monitoring",
    camera_model: "OmniVision OV2311",
    camera_view: "In-Cab Driver Behavior",
    signal_type: "Network Packet"
  },
  {
    name: "Blind spot pedestrians",
    camera_model: "FLIR Blackfly S",
    camera_view: "Front-facing VRU",
    signal_type: "Serial"
  },
  {
    name: "Night-time validation",
    camera_model: "Sony IMX490",
    camera_view: "Front-facing VRU",
    signal_type: "GPIO"
  }
];
var INSERT_TEST_SESSION_SQL = `INSERT INTO test_sessions
   (project_id, owner_id, name, video_id, tolerance_ms, status, created_at)
   SELECT p.id, p.owner_id, ?, ?, ?, ?, ? FROM projects p WHERE p.id = ?`;
var INSERT_DETECTION_EVENT_SQL = `INSERT INTO detection_events
   (test_session_id, timestamp_s, confidence, class_label, validation_result, created_at)
   VALUES (?, ?, ?, ?, ?, ?)`;
var SESSION_STATUSES = ["completed", "completed", "running", "pending"];
var DEMO_EVENTS_PER_SESSION = 200;
var DEMO_CLASS_LABELS = ["pedestrian", "cyclist", "vehicle", "distracted_driver"];
var DEMO_RESULTS = ["TP", "TP", "TP", "FP", "FN"];
function seedDemoData(db) {
  const existing = db.prepare("SELECT id FROM users WHERE email = ?").get(DEMO_EMAIL);
  if (existing !== void 0) return;
  const now = (/* @__PURE__ */ new Date()).toISOString();
  const insertProject = db.prepare(
    `INSERT INTO projects (owner_id, name, description, camera_model, camera_view, signal_type, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`
  );
  const insertSession = db.prepare(INSERT_TEST_SESSION_SQL);
  const insertEvent = db.prepare(INSERT_DETECTION_EVENT_SQL);
  db.exec("BEGIN");
  try {
    const ownerId = createUser(db, DEMO_EMAIL, DEMO_PASSWORD);
    for (const [index, project] of DEMO_PROJECTS.entries()) {
      const { id } = insertProject.get(
        ownerId,
        project.name,
        `Demo project ${index + 1}`,
        project.camera_model,
        project.camera_view,
        project.signal_type,
        now
      );
      for (const [run, status] of SESSION_STATUSES.entries()) {
        const session = insertSession.run(
          `${project.name} run ${run + 1}`,
          null,
          100,
          status,
          now,
          id
        );
        for (let k = 0; k < DEMO_EVENTS_PER_SESSION; k++) {
          insertEvent.run(
            session.lastInsertRowid,
            k * 300 / DEMO_EVENTS_PER_SESSION,
            0.5 + k * 37 % 50 / 100,
            DEMO_CLASS_LABELS[k % DEMO_CLASS_LABELS.length],
            DEMO_RESULTS[k % DEMO_RESULTS.length],
            now
          );
        }
      }
    }
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}
function hashToken(token) {
  return createHash("sha256").update(token).digest("hex");
}
var PROJECT_MATCH = "(name LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\')";
function inTransaction(db, work) {
  db.exec("BEGIN");
  try {
    const result = work();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}
var PROJECT_COLUMNS = "id, name, description, camera_model, camera_view, signal_type, status, created_at";
var SESSION_COLUMNS = "id, name, project_id, video_id, tolerance_ms, status, created_at";
function createRepository(db) {
  const statements = {
    userByEmail: db.prepare("SELECT id, password_hash FROM users WHERE email = ?"),
    insertSession: db.prepare(
      "INSERT INTO sessions (token_hash, user_id, created_at) VALUES (?, ?, ?)"
    ),
    userIdByToken: db.prepare("SELECT user_id FROM sessions WHERE token_hash = ?"),
    listProjects: db.prepare(
      `SELECT ${PROJECT_COLUMNS} FROM projects WHERE owner_id = ? ORDER BY id LIMIT ? OFFSET ?`
    ),
    countProjects: db.prepare("SELECT project_count AS n FROM users WHERE id = ?"),
    searchProjects: db.prepare(
      `SELECT ${PROJECT_COLUMNS} FROM projects WHERE owner_id = ? AND ${PROJECT_MATCH}
       ORDER BY id LIMIT ? OFFSET ?`
    ),
    countFoundProjects: db.prepare(
      `SELECT COUNT(*) AS n FROM projects WHERE owner_id = ? AND ${PROJECT_MATCH}`
    ),
    ownsProject: db.prepare("SELECT 1 AS ok FROM projects WHERE id = ? AND owner_id = ?"),
    insertProjectId: db.prepare(
      `INSERT INTO projects (owner_id, name, description, camera_model, camera_view, signal_type, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`
    ),
    insertTestSession: db.prepare(INSERT_TEST_SESSION_SQL),
    ownsTestSession: db.prepare("SELECT 1 AS ok FROM test_sessions WHERE id = ? AND owner_id = ?"),
    insertEvent: db.prepare(INSERT_DETECTION_EVENT_SQL),
    countEventsByResult: db.prepare(
      `SELECT validation_result AS result, COUNT(*) AS n FROM detection_events
       WHERE test_session_id = ? GROUP BY validation_result`
    ),
    getProject: db.prepare(`SELECT ${PROJECT_COLUMNS} FROM projects WHERE id = ? AND owner_id = ?`),
    insertProject: db.prepare(
      `INSERT INTO projects (owner_id, name, description, camera_model, camera_view, signal_type, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${PROJECT_COLUMNS}`
    ),
    listSessions: db.prepare(
      `SELECT ${SESSION_COLUMNS} FROM test_sessions WHERE owner_id = ? ORDER BY id LIMIT ? OFFSET ?`
    ),
    countSessions: db.prepare("SELECT COUNT(*) AS n FROM test_sessions WHERE owner_id = ?"),
    // The unary + keeps SQLite on the project_id index (a few rows) instead of the owner_id one
    // (every session of the user), which it would otherwise pick without table statistics.
    listSessionsOfProject: db.prepare(
      `SELECT ${SESSION_COLUMNS} FROM test_sessions WHERE project_id = ? AND +owner_id = ?
       ORDER BY id LIMIT ? OFFSET ?`
    ),
    countSessionsOfProject: db.prepare(
      "SELECT COUNT(*) AS n FROM test_sessions WHERE project_id = ? AND +owner_id = ?"
    ),
    ping: db.prepare("SELECT 1 AS ok")
  };
  const count = (statement, ...params) => statement.get(...params)?.n ?? 0;
  const now = () => (/* @__PURE__ */ new Date()).toISOString();
  return {
    findUserByEmail: (email) => statements.userByEmail.get(email),
    createSession: (userId) => {
      const token = randomBytes(32).toString("hex");
      statements.insertSession.run(hashToken(token), userId, (/* @__PURE__ */ new Date()).toISOString());
      return token;
    },
    findUserIdByToken: (token) => statements.userIdByToken.get(hashToken(token))?.user_id,
    listProjects: (ownerId, limit, offset) => ({
      items: statements.listProjects.all(ownerId, limit, offset),
      total: count(statements.countProjects, ownerId)
    }),
    getProject: (ownerId, id) => statements.getProject.get(id, ownerId),
    searchProjects: (ownerId, term, limit, offset) => {
      const pattern = `%${term.replace(/[\\%_]/g, "\\$&")}%`;
      return {
        items: statements.searchProjects.all(
          ownerId,
          pattern,
          pattern,
          limit,
          offset
        ),
        total: count(statements.countFoundProjects, ownerId, pattern, pattern)
      };
    },
    createProjects: (ownerId, projects) => inTransaction(db, () => {
      const createdAt = now();
      return projects.map(
        (p) => Number(
          statements.insertProjectId.run(
            ownerId,
            p.name,
            p.description,
            p.camera_model,
            p.camera_view,
            p.signal_type,
            createdAt
          ).lastInsertRowid
        )
      );
    }),
    getProjectWithSessions: (ownerId, id, limit) => {
      const project = statements.getProject.get(id, ownerId);
      if (project === void 0) return void 0;
      return {
        ...project,
        test_sessions: statements.listSessionsOfProject.all(
          id,
          ownerId,
          limit,
          0
        ),
        test_session_total: count(statements.countSessionsOfProject, id, ownerId)
      };
    },
    createTestSessions: (ownerId, sessions) => inTransaction(db, () => {
      const owned = /* @__PURE__ */ new Map();
      for (const [index, s] of sessions.entries()) {
        let isOwned = owned.get(s.project_id);
        if (isOwned === void 0) {
          isOwned = statements.ownsProject.get(s.project_id, ownerId) !== void 0;
          owned.set(s.project_id, isOwned);
        }
        if (!isOwned) return { ok: false, index, reason: `project ${s.project_id} not found` };
      }
      const createdAt = now();
      const ids = sessions.map(
        (s) => Number(
          statements.insertTestSession.run(
            s.name,
            s.video_id,
            s.tolerance_ms,
            s.status,
            createdAt,
            s.project_id
          ).lastInsertRowid
        )
      );
      return { ok: true, ids };
    }),
    createDetectionEvents: (ownerId, sessionId, events) => inTransaction(db, () => {
      if (statements.ownsTestSession.get(sessionId, ownerId) === void 0) return void 0;
      const createdAt = now();
      return events.map(
        (e) => Number(
          statements.insertEvent.run(
            sessionId,
            e.timestamp,
            e.confidence,
            e.class_label,
            e.validation_result,
            createdAt
          ).lastInsertRowid
        )
      );
    }),
    summarizeDetectionEvents: (ownerId, sessionId) => {
      if (statements.ownsTestSession.get(sessionId, ownerId) === void 0) return void 0;
      const byResult = Object.fromEntries(VALIDATION_RESULTS.map((r) => [r, 0]));
      let total = 0;
      for (const row of statements.countEventsByResult.all(sessionId)) {
        byResult[row.result] = row.n;
        total += row.n;
      }
      return { test_session_id: sessionId, total, by_validation_result: byResult };
    },
    createProject: (ownerId, project) => statements.insertProject.get(
      ownerId,
      project.name,
      project.description,
      project.camera_model,
      project.camera_view,
      project.signal_type,
      (/* @__PURE__ */ new Date()).toISOString()
    ),
    listTestSessions: (ownerId, projectId, limit, offset) => projectId === void 0 ? {
      items: statements.listSessions.all(ownerId, limit, offset),
      total: count(statements.countSessions, ownerId)
    } : {
      items: statements.listSessionsOfProject.all(
        projectId,
        ownerId,
        limit,
        offset
      ),
      total: count(statements.countSessionsOfProject, projectId, ownerId)
    },
    ping: () => {
      statements.ping.get();
    }
  };
}

// examples/validation-platform/app.ts
var DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
var DEFAULT_PAGE_LIMIT = 50;
var MAX_PAGE_LIMIT = 200;
var MAX_BULK_ITEMS = 1e3;
var MAX_SEARCH_CHARS = 100;
var MAX_DRAIN_BYTES = 16 * 1024 * 1024;
var MAX_TEXT_FIELD_CHARS = 500;
var TOKEN_PATTERN = /^[0-9a-f]{64}$/;
var INTEGER_PATTERN = /^\d{1,15}$/;
var UNKNOWN_USER_HASH = `scrypt$${"0".repeat(32)}$${"0".repeat(128)}`;
var HttpError = class extends Error {
  status;
  headers;
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
};
function compileRoutes(routes) {
  return routes.map((route) => ({ ...route, segments: route.path.split("/") }));
}
function matchPath(route, segments) {
  if (route.segments.length !== segments.length) return void 0;
  const params = {};
  for (let i = 0; i < segments.length; i++) {
    const pattern = route.segments[i];
    const actual = segments[i];
    if (pattern.startsWith(":")) {
      if (actual === "") return void 0;
      params[pattern.slice(1)] = decodeURIComponent(actual);
    } else if (pattern !== actual) {
      return void 0;
    }
  }
  return params;
}
function parseIntegerParam(query, name, fallback, min, max) {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = INTEGER_PATTERN.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new HttpError(
      400,
      `query parameter ${name} must be an integer between ${min} and ${max}, got '${raw}'`
    );
  }
  return value;
}
function parsePagination(query) {
  return {
    limit: parseIntegerParam(query, "limit", DEFAULT_PAGE_LIMIT, 1, MAX_PAGE_LIMIT),
    offset: parseIntegerParam(query, "offset", 0, 0, Number.MAX_SAFE_INTEGER)
  };
}
function requireObject(body) {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "request body must be a JSON object");
  }
  return body;
}
function requireText(body, field) {
  const value = body[field];
  if (value === void 0 || value === null) {
    throw new HttpError(400, `field ${field} is required`);
  }
  if (typeof value !== "string" || value.trim() === "") {
    throw new HttpError(400, `field ${field} must be a non-empty string`);
  }
  if (value.length > MAX_TEXT_FIELD_CHARS) {
    throw new HttpError(400, `field ${field} must be at most ${MAX_TEXT_FIELD_CHARS} characters`);
  }
  return value;
}
function parseNewProject(body) {
  const object = requireObject(body);
  const description = object.description;
  if (description !== void 0 && description !== null && typeof description !== "string") {
    throw new HttpError(400, "field description must be a string or null");
  }
  if (typeof description === "string" && description.length > MAX_TEXT_FIELD_CHARS) {
    throw new HttpError(
      400,
      `field description must be at most ${MAX_TEXT_FIELD_CHARS} characters`
    );
  }
  return {
    name: requireText(object, "name"),
    description: description ?? null,
    camera_model: requireText(object, "camera_model"),
    camera_view: requireText(object, "camera_view"),
    signal_type: requireText(object, "signal_type")
  };
}
var SESSION_STATUSES2 = ["pending", "running", "completed", "failed"];
function optionalInteger(object, field, fallback, min, max) {
  const value = object[field];
  if (value === void 0 || value === null) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new HttpError(400, `field ${field} must be an integer between ${min} and ${max}`);
  }
  return value;
}
function requireId(object, field) {
  if (object[field] === void 0 || object[field] === null) {
    throw new HttpError(400, `field ${field} is required`);
  }
  return optionalInteger(object, field, null, 1, Number.MAX_SAFE_INTEGER);
}
function requireNumber(object, field, min, max) {
  const value = object[field];
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new HttpError(400, `field ${field} must be a number between ${min} and ${max}`);
  }
  return value;
}
function requireOneOf(object, field, allowed, fallback) {
  const value = object[field];
  if ((value === void 0 || value === null) && fallback !== void 0) return fallback;
  if (typeof value !== "string" || !allowed.includes(value)) {
    throw new HttpError(400, `field ${field} must be one of ${allowed.join(", ")}`);
  }
  return value;
}
function parseNewTestSession(body) {
  const object = requireObject(body);
  return {
    project_id: requireId(object, "project_id"),
    name: requireText(object, "name"),
    video_id: optionalInteger(object, "video_id", null, 1, Number.MAX_SAFE_INTEGER),
    tolerance_ms: optionalInteger(object, "tolerance_ms", 100, 0, 6e4) ?? 100,
    status: requireOneOf(object, "status", SESSION_STATUSES2, "pending")
  };
}
function parseNewDetectionEvent(body) {
  const object = requireObject(body);
  return {
    timestamp: requireNumber(object, "timestamp", 0, Number.MAX_SAFE_INTEGER),
    confidence: requireNumber(object, "confidence", 0, 1),
    class_label: requireText(object, "class_label"),
    validation_result: requireOneOf(
      object,
      "validation_result",
      VALIDATION_RESULTS
    )
  };
}
function parseBulk(body, parseItem) {
  if (!Array.isArray(body) || body.length === 0 || body.length > MAX_BULK_ITEMS) {
    throw new HttpError(400, `request body must be a JSON array of 1 to ${MAX_BULK_ITEMS} items`);
  }
  return body.map((item, index) => {
    try {
      return parseItem(item);
    } catch (error) {
      if (error instanceof HttpError) throw new HttpError(400, `items[${index}]: ${error.message}`);
      throw error;
    }
  });
}
function parseId(raw) {
  return raw !== void 0 && INTEGER_PATTERN.test(raw) ? Number(raw) : void 0;
}
function parseSearch(query) {
  const term = query.get("search");
  if (term === null) return void 0;
  if (term.length === 0 || term.length > MAX_SEARCH_CHARS) {
    throw new HttpError(400, `query parameter search must be 1 to ${MAX_SEARCH_CHARS} characters`);
  }
  return term;
}
function notFound(what) {
  return new HttpError(404, `${what} not found`);
}
function buildRoutes(repository) {
  return compileRoutes([
    {
      method: "GET",
      path: "/health",
      auth: false,
      body: false,
      handle: () => {
        repository.ping();
        return { status: 200, body: { status: "ok" } };
      }
    },
    {
      method: "POST",
      path: "/auth/login",
      auth: false,
      body: true,
      handle: async ({ body }) => {
        const object = requireObject(body);
        const { email, password } = object;
        if (typeof email !== "string" || typeof password !== "string") {
          throw new HttpError(400, "fields email and password are required strings");
        }
        const user = repository.findUserByEmail(email);
        const isValid = await verifyPassword(password, user?.password_hash ?? UNKNOWN_USER_HASH);
        if (user === void 0 || !isValid) {
          throw new HttpError(401, "invalid email or password");
        }
        return {
          status: 200,
          body: { access_token: repository.createSession(user.id), token_type: "bearer" }
        };
      }
    },
    {
      method: "GET",
      path: "/api/projects",
      auth: true,
      body: false,
      handle: ({ query, userId }) => {
        const { limit, offset } = parsePagination(query);
        const search = parseSearch(query);
        const page = search === void 0 ? repository.listProjects(userId, limit, offset) : repository.searchProjects(userId, search, limit, offset);
        return { status: 200, body: { items: page.items, total: page.total, limit, offset } };
      }
    },
    {
      method: "POST",
      path: "/api/projects/bulk",
      auth: true,
      body: true,
      handle: ({ body, userId }) => {
        const ids = repository.createProjects(userId, parseBulk(body, parseNewProject));
        return { status: 201, body: { created: ids.length, ids } };
      }
    },
    {
      method: "POST",
      path: "/api/projects",
      auth: true,
      body: true,
      handle: ({ body, userId }) => ({
        status: 201,
        body: repository.createProject(userId, parseNewProject(body))
      })
    },
    {
      method: "GET",
      path: "/api/projects/:id",
      auth: true,
      body: false,
      handle: ({ params, query, userId }) => {
        const raw = params.id ?? "";
        const id = parseId(raw);
        const include = query.get("include");
        if (include !== null && include !== "test_sessions") {
          throw new HttpError(
            400,
            `query parameter include must be test_sessions, got '${include}'`
          );
        }
        const project = id === void 0 ? void 0 : include === null ? repository.getProject(userId, id) : repository.getProjectWithSessions(
          userId,
          id,
          parseIntegerParam(query, "limit", DEFAULT_PAGE_LIMIT, 1, MAX_PAGE_LIMIT)
        );
        if (project === void 0) throw notFound(`project ${raw}`);
        return { status: 200, body: project };
      }
    },
    {
      method: "GET",
      path: "/api/test-sessions",
      auth: true,
      body: false,
      handle: ({ query, userId }) => {
        const { limit, offset } = parsePagination(query);
        const projectId = query.has("project_id") ? parseIntegerParam(query, "project_id", 0, 1, Number.MAX_SAFE_INTEGER) : void 0;
        const page = repository.listTestSessions(userId, projectId, limit, offset);
        return { status: 200, body: { items: page.items, total: page.total, limit, offset } };
      }
    },
    {
      method: "POST",
      path: "/api/test-sessions/bulk",
      auth: true,
      body: true,
      handle: ({ body, userId }) => {
        const result = repository.createTestSessions(userId, parseBulk(body, parseNewTestSession));
        if (!result.ok) throw new HttpError(404, `items[${result.index}]: ${result.reason}`);
        return { status: 201, body: { created: result.ids.length, ids: result.ids } };
      }
    },
    {
      method: "POST",
      path: "/api/test-sessions/:id/events/bulk",
      auth: true,
      body: true,
      handle: ({ params, body, userId }) => {
        const id = parseId(params.id);
        const events = parseBulk(body, parseNewDetectionEvent);
        const ids = id === void 0 ? void 0 : repository.createDetectionEvents(userId, id, events);
        if (ids === void 0) throw notFound(`test session ${params.id}`);
        return { status: 201, body: { created: ids.length, ids } };
      }
    },
    {
      method: "GET",
      path: "/api/test-sessions/:id/events/summary",
      auth: true,
      body: false,
      handle: ({ params, userId }) => {
        const id = parseId(params.id);
        const summary = id === void 0 ? void 0 : repository.summarizeDetectionEvents(userId, id);
        if (summary === void 0) throw notFound(`test session ${params.id}`);
        return { status: 200, body: summary };
      }
    }
  ]);
}
function readBody(request, maxBytes) {
  const declared = Number(request.headers["content-length"]);
  if (declared > MAX_DRAIN_BYTES) {
    return Promise.reject(
      new HttpError(413, `request body exceeds ${maxBytes} bytes`, { connection: "close" })
    );
  }
  return new Promise((resolve, reject) => {
    const chunks = [];
    let received = 0;
    request.on("data", (chunk) => {
      received += chunk.length;
      if (received > MAX_DRAIN_BYTES) {
        request.destroy();
      } else if (received <= maxBytes) {
        chunks.push(chunk);
      }
    });
    request.on("end", () => {
      if (received > maxBytes) {
        reject(new HttpError(413, `request body exceeds ${maxBytes} bytes`));
      } else {
        resolve(Buffer.concat(chunks, received));
      }
    });
    request.on("error", reject);
    request.on("close", () => {
      if (!request.complete) reject(new HttpError(400, "request body was not received in full"));
    });
  });
}
async function readJson(request, maxBytes) {
  const raw = await readBody(request, maxBytes);
  if (raw.length === 0) throw new HttpError(400, "request body must be JSON, got an empty body");
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HttpError(400, `request body is not valid JSON: ${reason}`);
  }
}
function authenticate(request, repository) {
  const header = request.headers.authorization;
  const challenge = { "www-authenticate": "Bearer" };
  if (header === void 0) throw new HttpError(401, "missing bearer token", challenge);
  const [scheme, token] = header.split(" ");
  if (scheme?.toLowerCase() !== "bearer" || token === void 0) {
    throw new HttpError(401, 'authorization header must be "Bearer <token>"', challenge);
  }
  const userId = TOKEN_PATTERN.test(token) ? repository.findUserIdByToken(token) : void 0;
  if (userId === void 0) throw new HttpError(401, "invalid or expired token", challenge);
  return userId;
}
function isDelayedPath(pathname) {
  return pathname.startsWith("/api/") || pathname.startsWith("/auth/");
}
function send(response, reply) {
  const json = JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    ...reply.headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(json)
  });
  response.end(json);
}
function burnCpu(ms) {
  const until = performance.now() + ms;
  let x = 0;
  while (performance.now() < until) x = (x * 31 + 7) % 1000003;
  if (x < 0) throw new Error("unreachable");
}
async function timed(timing, work) {
  const started = performance.now();
  try {
    return await work;
  } finally {
    timing.waitedMs += performance.now() - started;
  }
}
function createRequestHandler(options) {
  const { repository } = options;
  const delayMs = options.delayMs ?? 0;
  const cpuMs = options.cpuMs ?? 0;
  const slowdown = options.slowdown ?? 0;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const onError = options.onError ?? ((error) => {
    const message = error instanceof Error ? error.stack ?? error.message : String(error);
    process.stderr.write(`validation-platform: unexpected error: ${message}
`);
  });
  const routes = [...buildRoutes(repository), ...compileRoutes(options.routes ?? [])];
  async function route(request, pathname, search, timing) {
    const segments = pathname.split("/");
    const allowed = [];
    for (const candidate of routes) {
      const params = matchPath(candidate, segments);
      if (params === void 0) continue;
      if (candidate.method !== request.method) {
        allowed.push(candidate.method);
        continue;
      }
      const context = {
        params,
        request,
        query: new URLSearchParams(search),
        userId: candidate.auth ? authenticate(request, repository) : 0,
        body: candidate.body ? await timed(timing, readJson(request, maxBodyBytes)) : void 0
      };
      return candidate.handle(context);
    }
    if (allowed.length > 0) {
      throw new HttpError(405, `method ${request.method} not allowed on ${pathname}`, {
        allow: allowed.join(", ")
      });
    }
    throw notFound(`route ${pathname}`);
  }
  async function handle(request, response) {
    const begun = performance.now();
    const timing = { waitedMs: 0 };
    const url = request.url ?? "/";
    const queryStart = url.indexOf("?");
    const pathname = queryStart === -1 ? url : url.slice(0, queryStart);
    const search = queryStart === -1 ? "" : url.slice(queryStart + 1);
    let reply;
    try {
      reply = await route(request, pathname, search, timing);
    } catch (error) {
      if (error instanceof HttpError) {
        reply = { status: error.status, body: { detail: error.message }, headers: error.headers };
      } else if (error instanceof URIError) {
        reply = { status: 400, body: { detail: `malformed URL ${pathname}` } };
      } else {
        onError(error);
        reply = { status: 500, body: { detail: "internal server error" } };
      }
    }
    if (cpuMs > 0 && isDelayedPath(pathname)) burnCpu(cpuMs);
    if (slowdown > 0) burnCpu(slowdown * (performance.now() - begun - timing.waitedMs));
    if (delayMs > 0 && isDelayedPath(pathname)) await sleep(delayMs);
    if (!response.destroyed) send(response, reply);
  }
  return (request, response) => {
    handle(request, response).catch((error) => {
      onError(error);
      if (!response.headersSent) response.destroy();
    });
  };
}

// examples/validation-platform/videos.ts
import { mkdtemp, rm as rm3 } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as join2 } from "node:path";

// src/video/avi-reader.ts
import { open } from "node:fs/promises";
var AviFormatError = class extends Error {
  name = "AviFormatError";
};
var MJPEG_FOURCCS = /* @__PURE__ */ new Set(["MJPG", "JPEG", "AVRN", "DMB1", "MJPA", "LJPG"]);
var MAX_HEADER_LIST_BYTES = 16 * 1024 * 1024;
var NO_MAIN_HEADER = { microSecPerFrame: 0, totalFrames: 0, width: 0, height: 0 };
var fourccAt = (bytes, offset) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
var trimFourcc = (fourcc) => fourcc.replace(/[\s\0]+$/, "").toUpperCase();
async function readAt(file, position, length) {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
}
async function readAviInfo(path) {
  const file = await open(path, "r");
  try {
    return (await readLayout(file, path)).info;
  } finally {
    await file.close();
  }
}
function truncated(path, position, fileBytes, id, size) {
  const what = id === void 0 ? "a chunk header" : `chunk '${id}' of ${size} bytes`;
  return new AviFormatError(
    `truncated AVI '${path}': ${what} at byte ${position} runs past the end of the file (${fileBytes} bytes)`
  );
}
async function readLayout(file, path) {
  const fileBytes = (await file.stat()).size;
  const head = await readAt(file, 0, 12);
  if (head.length < 12 || fourccAt(head, 0) !== "RIFF")
    throw new AviFormatError(`not an AVI file: '${path}' does not start with a RIFF header`);
  const form = fourccAt(head, 8);
  if (form !== "AVI ")
    throw new AviFormatError(`not an AVI file: '${path}' is a RIFF '${form.trim()}' file`);
  const riffSize = head.readUInt32LE(4);
  const riffEnd = riffSize === 0 ? fileBytes : Math.min(fileBytes, 8 + riffSize);
  let streams;
  let main2 = NO_MAIN_HEADER;
  let movi;
  let position = 12;
  while (position + 8 <= riffEnd && !(streams && movi)) {
    const header = await readAt(file, position, 12);
    const id = fourccAt(header, 0);
    const size = header.readUInt32LE(4);
    const end = position + 8 + size;
    const listType = id === "LIST" && header.length >= 12 ? fourccAt(header, 8) : void 0;
    if (listType === "hdrl") {
      if (end > fileBytes) throw truncated(path, position, fileBytes, "LIST hdrl", size);
      if (size > MAX_HEADER_LIST_BYTES)
        throw new AviFormatError(`bad AVI '${path}': its 'hdrl' list claims ${size} bytes`);
      const list = await readAt(file, position + 12, size - 4);
      const parsed = parseHeaderList(list);
      streams = parsed.streams;
      main2 = parsed.main;
    } else if (listType === "movi") {
      if (end > fileBytes) throw truncated(path, position, fileBytes, "LIST movi", size);
      movi = { start: position + 12, end: size === 0 ? fileBytes : end };
    }
    position = end + (size & 1);
  }
  if (!streams)
    throw new AviFormatError(
      `bad AVI '${path}': no 'hdrl' header list (truncated at ${fileBytes} bytes?)`
    );
  const streamIndex = streams.findIndex((stream) => stream.type === "vids");
  const video = streams[streamIndex];
  if (!video) throw new AviFormatError(`not a video AVI: '${path}' has no video stream`);
  const codec = trimFourcc(video.compression ?? video.handler);
  if (!MJPEG_FOURCCS.has(codec))
    throw new AviFormatError(`not an MJPEG AVI: '${path}' has a '${codec}' video stream`);
  if (!movi) throw new AviFormatError(`bad AVI '${path}': no 'movi' list (truncated?)`);
  const fps = video.rate > 0 && video.scale > 0 ? video.rate / video.scale : main2.microSecPerFrame > 0 ? 1e6 / main2.microSecPerFrame : 0;
  if (!(fps > 0)) throw new AviFormatError(`bad AVI '${path}': no frame rate in its headers`);
  const width = video.width ?? main2.width;
  const height = video.height ?? main2.height;
  const frameCount = video.length > 0 ? video.length : main2.totalFrames;
  return {
    info: { width, height, fps, frameCount, durationS: frameCount / fps, codec },
    streamNumber: String(streamIndex).padStart(2, "0"),
    moviStart: movi.start,
    moviEnd: movi.end,
    fileBytes
  };
}
function parseHeaderList(list) {
  let main2 = NO_MAIN_HEADER;
  const streams = [];
  forEachChunk(list, (id, body) => {
    if (id === "avih" && body.length >= 40) {
      main2 = {
        microSecPerFrame: body.readUInt32LE(0),
        totalFrames: body.readUInt32LE(16),
        width: body.readUInt32LE(32),
        height: body.readUInt32LE(36)
      };
    } else if (id === "LIST" && body.length >= 4 && fourccAt(body, 0) === "strl") {
      streams.push(parseStreamList(body.subarray(4)));
    }
  });
  return { main: main2, streams };
}
function parseStreamList(list) {
  const stream = {
    type: "",
    handler: "",
    scale: 0,
    rate: 0,
    length: 0,
    compression: void 0,
    width: void 0,
    height: void 0
  };
  forEachChunk(list, (id, body) => {
    if (id === "strh" && body.length >= 36) {
      stream.type = fourccAt(body, 0);
      stream.handler = fourccAt(body, 4);
      stream.scale = body.readUInt32LE(20);
      stream.rate = body.readUInt32LE(24);
      stream.length = body.readUInt32LE(32);
    } else if (id === "strf" && body.length >= 20 && stream.type === "vids") {
      stream.width = body.readInt32LE(4);
      stream.height = Math.abs(body.readInt32LE(8));
      stream.compression = fourccAt(body, 16);
    }
  });
  return stream;
}
function forEachChunk(list, visit) {
  let offset = 0;
  while (offset + 8 <= list.length) {
    const id = fourccAt(list, offset);
    const size = list.readUInt32LE(offset + 4);
    visit(id, list.subarray(offset + 8, Math.min(list.length, offset + 8 + size)));
    offset += 8 + size + (size & 1);
  }
}

// examples/validation-platform/multipart-upload.ts
var import_busboy = __toESM(require_lib(), 1);
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
var UploadError = class extends Error {
  status;
  headers;
  constructor(status, message, headers = {}) {
    super(message);
    this.name = "UploadError";
    this.status = status;
    this.headers = headers;
  }
};
var MULTIPART_SLACK_BYTES = 64 * 1024;
var MAX_DRAIN_BYTES2 = 16 * 1024 * 1024;
var MAX_FIELDS = 20;
var MAX_FIELD_BYTES = 1024;
function tooLarge(maxBytes, headers = {}) {
  return new UploadError(413, `upload exceeds ${maxBytes} bytes`, headers);
}
function mediaType(header) {
  return (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}
async function receiveUpload(request, options) {
  const type = mediaType(request.headers["content-type"]);
  const isMultipart = type === "multipart/form-data";
  if (!isMultipart && !options.rawTypes.includes(type)) {
    throw new UploadError(
      415,
      `content-type must be multipart/form-data or one of ${options.rawTypes.join(", ")}, got '${type}'`
    );
  }
  const declared = Number(request.headers["content-length"]);
  const slack = isMultipart ? MULTIPART_SLACK_BYTES : 0;
  if (declared > options.maxBytes + slack + MAX_DRAIN_BYTES2) {
    throw tooLarge(options.maxBytes, { connection: "close" });
  }
  const path = join(options.dir, `${randomUUID()}${options.extension}`);
  try {
    return isMultipart ? await receiveMultipart(request, path, options) : await receiveRaw(request, path, options.maxBytes);
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}
function watchRequest(request, limitBytes, maxBytes) {
  let received = 0;
  return new Promise((_resolve, reject) => {
    request.on("data", (chunk) => {
      received += chunk.length;
      if (received > limitBytes + MAX_DRAIN_BYTES2) {
        request.destroy();
        reject(tooLarge(maxBytes));
      }
    });
    request.on("close", () => {
      if (!request.complete) reject(new UploadError(400, "upload was not received in full"));
    });
  });
}
async function receiveRaw(request, path, maxBytes) {
  let bytes = 0;
  const limiter = new Transform({
    transform(chunk, _encoding, callback) {
      bytes += chunk.length;
      callback(null, bytes > maxBytes ? void 0 : chunk);
    }
  });
  const watched = watchRequest(request, maxBytes, maxBytes);
  await Promise.race([pipeline(request, limiter, createWriteStream(path)), watched]);
  if (bytes > maxBytes) throw tooLarge(maxBytes);
  return { path, bytes, fields: {} };
}
function receiveMultipart(request, path, options) {
  const { maxBytes, fileField } = options;
  let parser;
  try {
    parser = (0, import_busboy.default)({
      headers: request.headers,
      limits: {
        fileSize: maxBytes,
        files: 1,
        fields: MAX_FIELDS,
        fieldSize: MAX_FIELD_BYTES
      }
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return Promise.reject(new UploadError(400, `malformed multipart body: ${reason}`));
  }
  const fields = {};
  let written;
  let filename;
  let bytes = 0;
  let isTruncated = false;
  const parsed = new Promise((resolve, reject) => {
    parser.on("file", (field, stream, info) => {
      if (field !== fileField || written !== void 0) {
        stream.resume();
        return;
      }
      filename = info.filename;
      stream.on("data", (chunk) => {
        bytes += chunk.length;
      });
      stream.on("limit", () => {
        isTruncated = true;
      });
      written = pipeline(stream, createWriteStream(path));
      written.catch(() => {
      });
    });
    parser.on("field", (name, value) => {
      fields[name] ??= value;
    });
    parser.on("error", (error) => {
      const reason = error instanceof Error ? error.message : String(error);
      reject(new UploadError(400, `malformed multipart body: ${reason}`));
    });
    parser.on("close", () => resolve());
  });
  request.pipe(parser);
  const watched = watchRequest(request, maxBytes + MULTIPART_SLACK_BYTES, maxBytes);
  return Promise.race([parsed, watched]).then(async () => {
    if (written === void 0) {
      throw new UploadError(400, `multipart body has no file field '${fileField}'`);
    }
    await written;
    if (isTruncated) throw tooLarge(maxBytes);
    return { path, bytes, fields, ...filename === void 0 ? {} : { filename } };
  });
}

// examples/validation-platform/video-jobs.ts
import { rm as rm2 } from "node:fs/promises";
import { Worker } from "node:worker_threads";

// examples/validation-platform/detector.ts
var DEFAULT_DETECTOR_OPTIONS = {
  threshold: 40,
  minArea: 24,
  connectivity: 8,
  mergeGap: 4,
  edgeGapRatio: 0.25,
  maxBoxes: 32
};

// examples/validation-platform/video-jobs.ts
var DEFAULT_VIDEO_WORKERS = 2;
var DEFAULT_FRAME_STEP = "auto";
var WORKER_URL = import.meta.url.endsWith(".ts") ? new URL("./video-worker.ts", import.meta.url) : new URL("./sample-service-worker.js", import.meta.url);
function describe(error) {
  return error instanceof Error ? error.message : String(error);
}
function createVideoPool(options) {
  const { repository } = options;
  const size = options.workers ?? DEFAULT_VIDEO_WORKERS;
  const frameStep = options.frameStep ?? DEFAULT_FRAME_STEP;
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`video workers must be an integer of at least 1, got ${size}`);
  }
  if (frameStep !== "auto" && !(Number.isInteger(frameStep) && frameStep >= 1)) {
    throw new RangeError(`video frame step must be an integer of at least 1, got ${frameStep}`);
  }
  const detector = options.detector ?? DEFAULT_DETECTOR_OPTIONS;
  const hooks = {
    failNames: options.hooks?.failNames ?? [],
    stallNames: options.hooks?.stallNames ?? [],
    crashNames: options.hooks?.crashNames ?? []
  };
  const warn = options.warn ?? ((line) => process.stderr.write(`validation-platform: ${line}
`));
  const queue = [];
  const slots = /* @__PURE__ */ new Set();
  let isClosing = false;
  const hookOf = (name) => {
    if (hooks.failNames.includes(name)) return "fail";
    if (hooks.stallNames.includes(name)) return "stall";
    if (hooks.crashNames.includes(name)) return "crash";
    return void 0;
  };
  const record = (what, write) => {
    try {
      write();
    } catch (error) {
      warn(`cannot record ${what}: ${describe(error)}`);
    }
  };
  const removeFile = (job) => {
    rm2(job.path, { force: true }).catch(
      (error) => warn(`cannot remove ${job.path}: ${describe(error)}`)
    );
  };
  const finish = (slot, outcome) => {
    const running = slot.job;
    if (running === void 0) return;
    slot.job = void 0;
    const processingS = (performance.now() - running.startedMs) / 1e3;
    const { id } = running.job;
    if (outcome.error === void 0)
      record(`video ${id} done`, () => repository.markDone(id, processingS));
    else {
      const error = outcome.error;
      record(`video ${id} failed`, () => repository.markFailed(id, error, processingS));
    }
    removeFile(running.job);
  };
  const onReport = (slot, message) => {
    if (slot.job === void 0 || slot.job.job.id !== message.id) return;
    if (message.type === "progress") {
      record(
        `progress of video ${message.id}`,
        () => repository.recordProgress(message.id, message.progress, message.detections)
      );
    } else {
      finish(slot, message.type === "failed" ? { error: message.error } : {});
      dispatch();
    }
  };
  const startWorker = () => {
    const worker = new Worker(WORKER_URL);
    const slot = { worker };
    worker.on("message", (message) => onReport(slot, message));
    worker.on("messageerror", (error) => {
      finish(slot, { error: `cannot read the worker's report: ${describe(error)}` });
      dispatch();
    });
    worker.on("error", (error) => {
      slot.crash = describe(error);
    });
    worker.on("exit", (code) => {
      slots.delete(slot);
      if (isClosing) return;
      finish(slot, { error: `worker died: ${slot.crash ?? `exit code ${code}`}` });
      dispatch();
    });
    slots.add(slot);
    return slot;
  };
  function dispatch() {
    while (!isClosing && queue.length > 0) {
      let slot;
      for (const candidate of slots) {
        if (candidate.job === void 0 && candidate.crash === void 0) {
          slot = candidate;
          break;
        }
      }
      if (slot === void 0 && slots.size < size) slot = startWorker();
      if (slot === void 0) return;
      const job = queue.shift();
      slot.job = { job, startedMs: performance.now() };
      record(`start of video ${job.id}`, () => repository.markStarted(job.id));
      const hook = hookOf(job.name);
      const request = {
        id: job.id,
        path: job.path,
        frameStep,
        detector,
        ...hook === void 0 ? {} : { hook }
      };
      slot.worker.postMessage(request);
    }
  }
  return {
    enqueue: (job) => {
      if (isClosing) {
        record(`video ${job.id} failed`, () => repository.markFailed(job.id, "service stopped", 0));
        removeFile(job);
        return;
      }
      queue.push(job);
      dispatch();
    },
    close: async () => {
      isClosing = true;
      for (const job of queue.splice(0)) {
        record(`video ${job.id} failed`, () => repository.markFailed(job.id, "service stopped", 0));
      }
      for (const slot of slots) finish(slot, { error: "service stopped" });
      await Promise.all([...slots].map((slot) => slot.worker.terminate()));
    }
  };
}

// examples/validation-platform/video-store.ts
var VIDEO_COLUMNS = `id, name, status, progress, width, height, fps, frames, duration_s, detections,
  error, processing_s, created_at, started_at, finished_at`;
function toVideo(row) {
  const { error, processing_s, ...rest } = row;
  return {
    ...rest,
    ...error === null ? {} : { error },
    ...processing_s === null ? {} : { processing_s }
  };
}
function createVideoRepository(db) {
  const statements = {
    insertVideo: db.prepare(
      `INSERT INTO videos (owner_id, name, width, height, fps, frames, duration_s, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
    ),
    getVideo: db.prepare(`SELECT ${VIDEO_COLUMNS} FROM videos WHERE id = ? AND owner_id = ?`),
    ownsVideo: db.prepare("SELECT 1 AS ok FROM videos WHERE id = ? AND owner_id = ?"),
    listDetections: db.prepare(
      `SELECT frame, time_s, x, y, width, height, area FROM video_detections
       WHERE video_id = ? ORDER BY frame, id LIMIT ?`
    ),
    markStarted: db.prepare(
      "UPDATE videos SET status = 'processing', started_at = ? WHERE id = ? AND status = 'queued'"
    ),
    insertDetection: db.prepare(
      `INSERT INTO video_detections (video_id, frame, time_s, x, y, width, height, area)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
    ),
    updateProgress: db.prepare(
      "UPDATE videos SET progress = ?, detections = detections + ? WHERE id = ?"
    ),
    markDone: db.prepare(
      `UPDATE videos SET status = 'done', progress = 1, processing_s = ?, finished_at = ?
       WHERE id = ?`
    ),
    markFailed: db.prepare(
      `UPDATE videos SET status = 'failed', error = ?, processing_s = ?, finished_at = ?
       WHERE id = ?`
    ),
    failUnfinished: db.prepare(
      `UPDATE videos SET status = 'failed', error = ?, finished_at = ?
       WHERE status IN ('queued', 'processing')`
    )
  };
  const now = () => (/* @__PURE__ */ new Date()).toISOString();
  return {
    createVideo: (ownerId, video) => Number(
      statements.insertVideo.run(
        ownerId,
        video.name,
        video.width,
        video.height,
        video.fps,
        video.frames,
        video.duration_s,
        now()
      ).lastInsertRowid
    ),
    getVideo: (ownerId, id) => {
      const row = statements.getVideo.get(id, ownerId);
      return row === void 0 ? void 0 : toVideo(row);
    },
    listDetections: (ownerId, id, limit) => {
      if (statements.ownsVideo.get(id, ownerId) === void 0) return void 0;
      return statements.listDetections.all(id, limit);
    },
    markStarted: (id) => {
      statements.markStarted.run(now(), id);
    },
    recordProgress: (id, progress, detections) => inTransaction(db, () => {
      for (const d of detections) {
        statements.insertDetection.run(
          id,
          d.frame,
          d.time_s,
          d.x,
          d.y,
          d.width,
          d.height,
          d.area
        );
      }
      statements.updateProgress.run(progress, detections.length, id);
    }),
    markDone: (id, processingS) => {
      statements.markDone.run(processingS, now(), id);
    },
    markFailed: (id, error, processingS) => {
      statements.markFailed.run(error, processingS, now(), id);
    },
    failUnfinished: (reason) => Number(statements.failUnfinished.run(reason, now()).changes)
  };
}

// examples/validation-platform/videos.ts
var DEFAULT_VIDEO_MAX_BYTES = 512 * 1024 * 1024;
var DEFAULT_DETECTION_LIMIT = 100;
var MAX_DETECTION_LIMIT = 1e3;
var MAX_NAME_CHARS = 500;
var RAW_VIDEO_TYPES = ["video/x-msvideo", "video/avi", "application/octet-stream"];
function parsePositiveInteger(raw, name, fallback) {
  const text = raw?.trim() ?? "";
  if (text === "") return fallback;
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) {
    throw new Error(`${name} must be a positive integer, got '${raw}'`);
  }
  return Number(text);
}
function parseFrameStep(raw) {
  const text = raw?.trim() ?? "";
  if (text === "" || text === "auto") return DEFAULT_FRAME_STEP;
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) {
    throw new Error(`VIDEO_FRAME_STEP must be a positive integer or auto, got '${raw}'`);
  }
  return Number(text);
}
function parseNames(raw) {
  return (raw ?? "").split(",").map((name) => name.trim()).filter((name) => name !== "");
}
function parseVideoEnv(env) {
  return {
    workers: parsePositiveInteger(env.VIDEO_WORKERS, "VIDEO_WORKERS", DEFAULT_VIDEO_WORKERS),
    maxBytes: parsePositiveInteger(env.VIDEO_MAX_MB, "VIDEO_MAX_MB", DEFAULT_VIDEO_MAX_BYTES / 2 ** 20) * 2 ** 20,
    frameStep: parseFrameStep(env.VIDEO_FRAME_STEP),
    hooks: {
      failNames: parseNames(env.VIDEO_FAIL_NAMES),
      stallNames: parseNames(env.VIDEO_STALL_NAMES),
      crashNames: parseNames(env.VIDEO_CRASH_NAMES)
    }
  };
}
function parseId2(raw) {
  return raw !== void 0 && /^\d{1,15}$/.test(raw) ? Number(raw) : void 0;
}
function parseLimit(query) {
  const raw = query.get("limit");
  if (raw === null) return DEFAULT_DETECTION_LIMIT;
  const value = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 1 && value <= MAX_DETECTION_LIMIT)) {
    throw new HttpError(
      400,
      `query parameter limit must be an integer between 1 and ${MAX_DETECTION_LIMIT}, got '${raw}'`
    );
  }
  return value;
}
function pickName(candidates) {
  const name = candidates.find((c) => typeof c === "string" && c.trim() !== "") ?? "video.avi";
  if (name.length > MAX_NAME_CHARS) {
    throw new HttpError(400, `field name must be at most ${MAX_NAME_CHARS} characters`);
  }
  return name;
}
async function startVideoService(db, options = {}) {
  const maxBytes = options.maxBytes ?? DEFAULT_VIDEO_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError(`video max bytes must be a positive integer, got ${maxBytes}`);
  }
  const repository = createVideoRepository(db);
  repository.failUnfinished("the service restarted before processing finished");
  const pool = createVideoPool({
    repository,
    workers: options.workers,
    frameStep: options.frameStep,
    hooks: options.hooks,
    warn: options.warn
  });
  const dir = await mkdtemp(join2(options.tempDir ?? tmpdir(), "validation-platform-videos-"));
  let closing;
  return {
    routes: buildVideoRoutes(repository, (job) => pool.enqueue(job), { dir, maxBytes }),
    close: () => {
      closing ??= pool.close().finally(() => rm3(dir, { recursive: true, force: true }));
      return closing;
    }
  };
}
function buildVideoRoutes(repository, enqueue, upload) {
  return [
    {
      method: "POST",
      path: "/api/videos",
      auth: true,
      body: false,
      handle: async ({ request, query, userId }) => {
        let received;
        try {
          received = await receiveUpload(request, {
            dir: upload.dir,
            maxBytes: upload.maxBytes,
            fileField: "file",
            rawTypes: RAW_VIDEO_TYPES,
            extension: ".avi"
          });
        } catch (error) {
          if (error instanceof UploadError) {
            throw new HttpError(error.status, error.message, error.headers);
          }
          throw error;
        }
        try {
          const name = pickName([received.fields.name, query.get("name"), received.filename]);
          let info;
          try {
            info = await readAviInfo(received.path);
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            throw new HttpError(422, `not an MJPEG AVI: ${reason}`);
          }
          if (info.frameCount < 1) throw new HttpError(422, "not an MJPEG AVI: it has no frames");
          const id = repository.createVideo(userId, {
            name,
            width: info.width,
            height: info.height,
            fps: info.fps,
            frames: info.frameCount,
            duration_s: info.durationS
          });
          enqueue({ id, path: received.path, name });
          return { status: 202, body: { id, status: "queued" } };
        } catch (error) {
          await rm3(received.path, { force: true });
          throw error;
        }
      }
    },
    {
      method: "GET",
      path: "/api/videos/:id",
      auth: true,
      body: false,
      handle: ({ params, userId }) => {
        const id = parseId2(params.id);
        const video = id === void 0 ? void 0 : repository.getVideo(userId, id);
        if (video === void 0) throw new HttpError(404, `video ${params.id} not found`);
        return { status: 200, body: video };
      }
    },
    {
      method: "GET",
      path: "/api/videos/:id/detections",
      auth: true,
      body: false,
      handle: ({ params, query, userId }) => {
        const id = parseId2(params.id);
        const limit = parseLimit(query);
        const items = id === void 0 ? void 0 : repository.listDetections(userId, id, limit);
        if (items === void 0) throw new HttpError(404, `video ${params.id} not found`);
        return { status: 200, body: { video_id: id, items, limit } };
      }
    }
  ];
}

// examples/validation-platform/service.ts
var KEEP_ALIVE_TIMEOUT_MS = 65e3;
var CLOSE_GRACE_MS = 5e3;
function formatHost(host) {
  return host.includes(":") ? `[${host}]` : host;
}
function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address().port);
    });
  });
}
async function startServer(options = {}) {
  const host = options.host ?? "127.0.0.1";
  const delayMs = options.delayMs ?? 0;
  if (!Number.isFinite(delayMs) || delayMs < 0) {
    throw new RangeError(`delayMs must be a non-negative number of milliseconds, got ${delayMs}`);
  }
  const cpuMs = options.cpuMs ?? 0;
  if (!Number.isFinite(cpuMs) || cpuMs < 0) {
    throw new RangeError(`cpuMs must be a non-negative number of milliseconds, got ${cpuMs}`);
  }
  const slowdown = options.slowdown ?? 0;
  if (!Number.isFinite(slowdown) || slowdown < 0) {
    throw new RangeError(`slowdown must be a non-negative share, got ${slowdown}`);
  }
  const db = openDatabase(options.dbPath ?? ":memory:");
  let server;
  let port;
  let videos;
  try {
    seedDemoData(db);
    for (const user of options.users ?? []) {
      if (db.prepare("SELECT 1 FROM users WHERE email = ?").get(user.email) === void 0) {
        createUser(db, user.email, user.password);
      }
    }
    videos = await startVideoService(db, {
      workers: options.videoWorkers,
      maxBytes: options.videoMaxBytes,
      frameStep: options.videoFrameStep,
      hooks: {
        failNames: options.videoHooks?.failNames ?? [],
        stallNames: options.videoHooks?.stallNames ?? [],
        crashNames: options.videoHooks?.crashNames ?? []
      },
      tempDir: options.videoTempDir
    });
    server = createServer(
      createRequestHandler({
        routes: videos.routes,
        repository: createRepository(db),
        delayMs,
        cpuMs,
        slowdown,
        maxBodyBytes: options.maxBodyBytes
      })
    );
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1e3;
    port = await listen(server, options.port ?? 0, host);
  } catch (error) {
    await videos?.close();
    db.close();
    throw error;
  }
  const videoService = videos;
  let closing;
  const close = () => {
    closing ??= new Promise((resolve, reject) => {
      const cutOff = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      cutOff.unref();
      server.close((error) => {
        clearTimeout(cutOff);
        videoService.close().then(() => {
          try {
            db.close();
          } catch (dbError) {
            reject(dbError);
            return;
          }
          if (error) reject(error);
          else resolve();
        }, reject);
      });
      server.closeIdleConnections();
    });
    return closing;
  };
  return { url: `http://${formatHost(host)}:${port}`, port, close };
}

// examples/validation-platform/server.ts
var MAX_SLOWDOWN_PERCENT = 1e3;
function parseCli(argv, env) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      db: { type: "string" },
      slowdown: { type: "string" }
    },
    strict: true,
    allowPositionals: false
  });
  const port = values.port === void 0 ? 0 : Number(values.port);
  if (values.port !== void 0 && !/^\d+$/.test(values.port)) {
    throw new Error(`--port must be an integer between 0 and 65535, got '${values.port}'`);
  }
  if (port > 65535) {
    throw new Error(`--port must be an integer between 0 and 65535, got '${values.port}'`);
  }
  if (values.host === "") throw new Error("--host must not be empty");
  if (values.db === "") throw new Error("--db must not be empty");
  const delayMs = parseMillis(env.DEMO_DELAY_MS, "DEMO_DELAY_MS");
  const cpuMs = parseMillis(env.DEMO_CPU_MS, "DEMO_CPU_MS");
  const slowdown = values.slowdown !== void 0 ? parsePercent(values.slowdown, "--slowdown") : parsePercent(env.SAMPLE_SLOWDOWN ?? "", "SAMPLE_SLOWDOWN");
  return {
    port,
    host: values.host ?? "127.0.0.1",
    dbPath: values.db ?? ":memory:",
    delayMs,
    cpuMs,
    slowdown
  };
}
function parsePercent(raw, name) {
  const text = raw.trim();
  if (text === "") return 0;
  const match = /^(\d+(?:\.\d+)?)\s*%?$/.exec(text);
  const percent = match ? Number(match[1]) : Number.NaN;
  if (!(percent >= 0 && percent <= MAX_SLOWDOWN_PERCENT)) {
    throw new Error(
      `${name} must be a percent from 0% to ${MAX_SLOWDOWN_PERCENT}%, like 25%, got '${raw}'`
    );
  }
  return percent / 100;
}
function parseMillis(raw, name) {
  const text = raw?.trim() ?? "";
  const value = text === "" ? 0 : Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${name} must be a non-negative number of milliseconds, got '${raw}'`);
  }
  return value;
}
function fail(message, exitCode) {
  process.stderr.write(`validation-platform: ${message}
`);
  process.exitCode = exitCode;
}
async function main() {
  let settings;
  let video;
  try {
    settings = parseCli(process.argv.slice(2), process.env);
    video = parseVideoEnv(process.env);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error), 2);
    return;
  }
  let server;
  try {
    server = await startServer({
      ...settings,
      videoWorkers: video.workers,
      videoMaxBytes: video.maxBytes,
      videoFrameStep: video.frameStep,
      videoHooks: video.hooks
    });
  } catch (error) {
    fail(`cannot start: ${error instanceof Error ? error.message : String(error)}`, 1);
    return;
  }
  const stop = () => {
    process.off("SIGTERM", stop);
    process.off("SIGINT", stop);
    server.close().then(
      () => {
        process.exitCode = 0;
      },
      (error) => fail(`error while stopping: ${String(error)}`, 1)
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.stdout.write(`listening on ${server.url}
`);
}
if (import.meta.main) {
  await main();
}
export {
  parseCli,
  startServer
};
