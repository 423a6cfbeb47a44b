package cli

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// vterm is the screen of a terminal as far as koers's renderer drives it:
// printable cells, cursor moves (absolute, relative, save and restore),
// line and screen erases, character erases, inserts and deletes and the
// repeat of the last character. The renderer sends only the cells that
// change, so the text a session shows can be read only off such a screen,
// not off the byte stream. Colours and styles are ignored.
type vterm struct {
	w, h int
	x, y int
	// top and bot are the scrolling region's first and last rows.
	top, bot int
	sx, sy   int
	cells    [][]rune
	last     rune
	pending  []byte
	p        *ansi.Parser
}

func newVterm(w, h int) *vterm {
	v := &vterm{w: w, h: h, bot: h - 1, p: ansi.NewParser()}
	v.cells = make([][]rune, h)
	for i := range v.cells {
		v.cells[i] = blankRow(w)
	}
	return v
}

func blankRow(w int) []rune {
	r := make([]rune, w)
	for i := range r {
		r[i] = ' '
	}
	return r
}

// text is the screen, one line per row, trailing blanks dropped.
func (v *vterm) text() string {
	var b strings.Builder
	for _, r := range v.cells {
		b.WriteString(strings.TrimRight(string(r), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

func (v *vterm) clamp() {
	v.x = min(max(v.x, 0), v.w-1)
	v.y = min(max(v.y, 0), v.h-1)
}

func (v *vterm) put(s string, width int) {
	r, _ := utf8.DecodeRuneInString(s)
	if v.x >= v.w {
		v.x = 0
		v.lineFeed()
	}
	v.cells[v.y][v.x] = r
	for i := 1; i < width && v.x+i < v.w; i++ {
		v.cells[v.y][v.x+i] = 0 // the rest of a wide cell
	}
	v.x += width
	v.last = r
}

// scroll moves the rows of the scrolling region up n rows (down when n is
// negative), blanking the rows that come in.
func (v *vterm) scroll(n int) {
	region := v.cells[v.top : v.bot+1]
	for ; n > 0; n-- {
		copy(region, region[1:])
		region[len(region)-1] = blankRow(v.w)
	}
	for ; n < 0; n++ {
		copy(region[1:], region)
		region[0] = blankRow(v.w)
	}
}

func (v *vterm) lineFeed() {
	if v.y == v.bot {
		v.scroll(1)
		return
	}
	v.y = min(v.y+1, v.h-1)
}

func (v *vterm) erase(y, from, to int) {
	for i := max(from, 0); i < min(to, v.w); i++ {
		v.cells[y][i] = ' '
	}
}

// write feeds output from the session to the screen; a sequence cut off at
// the end of b waits for the next write.
func (v *vterm) write(b []byte) {
	v.pending = append(v.pending, b...)
	for len(v.pending) > 0 {
		if !utf8.FullRune(v.pending) {
			return
		}
		seq, width, n, state := ansi.DecodeSequence(v.pending, ansi.NormalState, v.p)
		if state != ansi.NormalState || n == 0 {
			return // incomplete
		}
		v.pending = v.pending[n:]
		switch {
		case width > 0:
			v.put(string(seq), width)
		case len(seq) == 1:
			v.control(seq[0])
		case ansi.HasCsiPrefix(seq):
			v.csi()
		case ansi.HasEscPrefix(seq) && len(seq) == 2:
			switch seq[1] {
			case '7':
				v.sx, v.sy = v.x, v.y
			case '8':
				v.x, v.y = v.sx, v.sy
			case 'M':
				if v.y == v.top {
					v.scroll(-1)
				} else {
					v.y--
				}
			}
			v.clamp()
		}
	}
	if len(v.pending) == 0 {
		v.pending = nil
	}
}

func (v *vterm) control(c byte) {
	switch c {
	case '\r':
		v.x = 0
	case '\n':
		v.lineFeed()
	case '\b':
		v.x = max(v.x-1, 0)
	case '\t':
		v.x = min((v.x/8+1)*8, v.w-1)
	}
}

func (v *vterm) csi() {
	cmd := ansi.Cmd(v.p.Command())
	if cmd.Prefix() != 0 || cmd.Intermediate() != 0 {
		return // private modes (?1049h …) and the like change no cell
	}
	arg := func(i, def int) int {
		n, _ := v.p.Param(i, def)
		if n == 0 {
			n = def
		}
		return n
	}
	switch cmd.Final() {
	case 'H', 'f':
		v.y, v.x = arg(0, 1)-1, arg(1, 1)-1
	case 'A':
		v.y -= arg(0, 1)
	case 'B', 'e':
		v.y += arg(0, 1)
	case 'C', 'a':
		v.x += arg(0, 1)
	case 'D':
		v.x -= arg(0, 1)
	case 'E':
		v.x, v.y = 0, v.y+arg(0, 1)
	case 'F':
		v.x, v.y = 0, v.y-arg(0, 1)
	case 'G', '`':
		v.x = arg(0, 1) - 1
	case 'd':
		v.y = arg(0, 1) - 1
	case 'K':
		n, _ := v.p.Param(0, 0)
		switch n {
		case 0:
			v.erase(v.y, v.x, v.w)
		case 1:
			v.erase(v.y, 0, v.x+1)
		case 2:
			v.erase(v.y, 0, v.w)
		}
	case 'J':
		n, _ := v.p.Param(0, 0)
		switch n {
		case 0:
			v.erase(v.y, v.x, v.w)
			for y := v.y + 1; y < v.h; y++ {
				v.erase(y, 0, v.w)
			}
		case 1:
			for y := 0; y < v.y; y++ {
				v.erase(y, 0, v.w)
			}
			v.erase(v.y, 0, v.x+1)
		case 2, 3:
			for y := range v.h {
				v.erase(y, 0, v.w)
			}
		}
	case 'X':
		v.erase(v.y, v.x, v.x+arg(0, 1))
	case 'b':
		for range arg(0, 1) {
			v.put(string(v.last), 1)
		}
	case '@':
		n, row := arg(0, 1), v.cells[v.y]
		copy(row[min(v.x+n, v.w):], row[v.x:])
		v.erase(v.y, v.x, v.x+n)
	case 'P':
		n, row := arg(0, 1), v.cells[v.y]
		copy(row[v.x:], row[min(v.x+n, v.w):])
		v.erase(v.y, v.w-n, v.w)
	case 'L', 'M': // insert or delete lines: the region from the cursor's row scrolls
		if v.y >= v.top && v.y <= v.bot {
			top := v.top
			v.top = v.y
			if cmd.Final() == 'L' {
				v.scroll(-arg(0, 1))
			} else {
				v.scroll(arg(0, 1))
			}
			v.top = top
		}
	case 'S':
		v.scroll(arg(0, 1))
	case 'T':
		v.scroll(-arg(0, 1))
	case 'r':
		v.top, v.bot = arg(0, 1)-1, arg(1, v.h)-1
		if v.top >= v.bot || v.bot >= v.h {
			v.top, v.bot = 0, v.h-1
		}
		v.x, v.y = 0, 0
	}
	v.clamp()
}
