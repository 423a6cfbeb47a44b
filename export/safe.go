package export

import (
	"reflect"

	"github.com/koers-project/koers/present"
)

// safeDoc is d with every string made safe to show (present.TerminalText:
// control characters, escape sequences, bidirectional overrides and
// invisible format characters become visible placeholders; line feeds
// stay). HTML and PDF render the layout through it: html/template escapes
// markup, but a U+202E would still turn a name round in a browser, and a
// PDF would draw nothing for an ESC and say nothing about it. Markdown and
// iCalendar apply the same function to each value they write.
func safeDoc(d doc) doc {
	v := reflect.ValueOf(&d).Elem()
	sanitise(v)
	return d
}

// sanitise replaces, in place, every settable string reachable from v
// through structs, slices, arrays and pointers.
func sanitise(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			if s := v.String(); s != "" {
				if t := present.TerminalText(s); t != s {
					v.SetString(t)
				}
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			sanitise(v.Field(i))
		}
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		// A copy, so that the plan's own slices stay as they were.
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		for i := range c.Len() {
			sanitise(c.Index(i))
		}
		if v.CanSet() {
			v.Set(c)
		}
	case reflect.Array:
		for i := range v.Len() {
			sanitise(v.Index(i))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			c := reflect.New(v.Elem().Type())
			c.Elem().Set(v.Elem())
			sanitise(c.Elem())
			if v.CanSet() {
				v.Set(c)
			}
		}
	}
}
