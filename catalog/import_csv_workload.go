package catalog

import "fmt"

// workloadField reports whether an offer field is read by ParseWorkload.
func workloadField(f string) bool { return f == "hours" || f == "length" || f == "weekly_hours" }

// csvWorkload reads the workload columns of a row: hours (a total, or any
// workload cell: "5 Weeks, 9–10 hours per week"), length and weekly_hours,
// plus a mapping's per_week / per_week_column. A cell not read with
// certainty leaves its value unknown and adds a flag naming the field and
// the column; ParseCSV adds the file and line.
func csvWorkload(o *Offer, c csvCols, cell func(int) string, m *Mapping, get func(string) (string, bool)) {
	unitOfField := func(f, def string) string {
		if m != nil && m.Fields[f].Unit != "" {
			return m.Fields[f].Unit
		}
		return def
	}
	where := func(f string) string {
		if col := c.col[f]; col != "" {
			return fmt.Sprintf("column %q", col)
		}
		return "mapping default"
	}
	var w Workload
	read := func(f, def string) {
		v, ok := get(f)
		if !ok {
			return
		}
		got, err := ParseWorkload(v, unitOfField(f, def))
		if err != nil {
			o.Flags = append(o.Flags, workloadFlag(f, err, where(f)))
			return
		}
		if f == "weekly_hours" && got.Hours != nil && got.PerWeek == nil && got.Length == nil {
			got = Workload{PerWeek: got.Hours} // a weekly_hours column says "per week" in its name
		}
		if f == "length" && (got.Hours != nil || got.PerWeek != nil) && got.Length == nil {
			o.Flags = append(o.Flags, workloadFlag(f, fmt.Errorf("%q: %w: is effort, not a calendar length", v, ErrWorkload), where(f)))
			return
		}
		if err := merge(&w, got); err != nil {
			o.Flags = append(o.Flags, workloadFlag(f, fmt.Errorf("%q: %w: %v", v, ErrWorkload, err), where(f)))
		}
	}
	read("length", "")
	read("weekly_hours", "hours")
	read("hours", "hours")
	if m != nil && w.PerWeek == nil {
		fm := m.Fields["hours"]
		if i, has := c.perWeek["hours"]; has {
			if pw := cell(i); pw != "" {
				got, err := ParseWorkload(pw, "hours")
				switch {
				case err != nil:
					o.Flags = append(o.Flags, workloadFlag("weekly_hours", err, fmt.Sprintf("column %q", fm.PerWeekColumn)))
				case got.PerWeek != nil:
					w.PerWeek = got.PerWeek
				case got.Hours != nil && got.Length == nil:
					w.PerWeek = got.Hours
				default:
					o.Flags = append(o.Flags, workloadFlag("weekly_hours", fmt.Errorf("%q: %w: is not hours per week", pw, ErrWorkload), fmt.Sprintf("column %q", fm.PerWeekColumn)))
				}
			}
		} else if fm.PerWeek > 0 {
			w.PerWeek = &Range{fm.PerWeek, fm.PerWeek}
		}
	}
	if w.Hours == nil && w.PerWeek != nil && w.Length != nil && w.Length.Unit == Weeks {
		w.Hours = &Range{Min: round2(w.PerWeek.Min * w.Length.Min), Max: round2(w.PerWeek.Max * w.Length.Max)}
	}
	o.SetWorkload(w)
}

// merge adds what b states to a; stating the same part twice with
// different values is an error.
func merge(a *Workload, b Workload) error {
	if b.Hours != nil {
		if a.Hours != nil && *a.Hours != *b.Hours {
			return fmt.Errorf("hours %s differ from %s", b.Hours, a.Hours)
		}
		a.Hours = b.Hours
	}
	if b.PerWeek != nil {
		if a.PerWeek != nil && *a.PerWeek != *b.PerWeek {
			return fmt.Errorf("hours per week %s differ from %s", b.PerWeek, a.PerWeek)
		}
		a.PerWeek = b.PerWeek
	}
	if b.Length != nil {
		if a.Length != nil && *a.Length != *b.Length {
			return fmt.Errorf("length %s differs from %s", b.Length, a.Length)
		}
		a.Length = b.Length
	}
	return nil
}

// locateFlags ends every flag a row produced with its file and line.
func locateFlags(o *Offer, name string, line int) {
	for i := range o.Flags {
		o.Flags[i] += fmt.Sprintf(" (%s line %d)", name, line)
	}
}

// yieldAt yields o after recording its line in lines (when set).
func yieldAt(yield func(Offer) bool, o Offer, line int, lines *[]int) bool {
	if lines != nil {
		*lines = append(*lines, line)
	}
	return yield(o)
}
