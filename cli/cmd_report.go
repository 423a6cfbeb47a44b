package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/export"
	"github.com/koers-project/koers/present"
	"github.com/koers-project/koers/report"
)

func newReportCmd(a *invocation) *cobra.Command {
	var from, to, centre, region, format, out string
	var k int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "report [--from DATE] [--to DATE] [--centre C] [--region NUTS] [--k N] [--format text|json|csv|pdf] [-o FILE]",
		Short: "Anonymised figures on participation, entitlements, spending, outcomes and guidance",
		Long: "Aggregates only: every cell about fewer than k people (default 5; --k may only raise it) is\n" +
			"suppressed, and so is any cell that would let a suppressed one be recomputed from the totals\n" +
			"printed; no name, id, birth date or note appears. The period defaults to the last 12 months.\n" +
			"Every run is recorded in the audit log (its parameters and who ran it, never a figure). On a\n" +
			"koers server, reports are for supervisors and auditors; on a laptop, for whoever runs koers.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if asJSON {
				format = "json"
			}
			switch format {
			case "text", "json", "csv", "pdf":
			default:
				return usageErr("--format: %q is not text, json, csv or pdf", format)
			}
			if format == "pdf" && (out == "" || out == "-") {
				return usageErr("-o: a PDF report goes into a file")
			}
			if k < report.DefaultK {
				return usageErr("--k: %d is below %d: k may only be raised", k, report.DefaultK)
			}
			p := report.Params{Centre: centre, Region: region, K: k}
			p.From, p.To = report.Last12Months(a.now())
			for _, d := range []struct {
				flag, v string
				dst     *report.Day
			}{{"--from", from, &p.From}, {"--to", to, &p.To}} {
				if d.v == "" {
					continue
				}
				day, err := catalog.ParseDate(d.v)
				if err != nil {
					return usageErr("%s: %v", d.flag, err)
				}
				*d.dst = report.DayOf(day.Time())
			}
			if err := p.Check(); err != nil {
				return usageErr("--%v", err)
			}
			return withPeople(ctx, a, func(s *app.App) error {
				r, err := s.RunReport(ctx, p, format)
				if err != nil {
					return err
				}
				var buf bytes.Buffer
				switch format {
				case "text":
					err = r.WriteText(&buf, a.printer())
				case "csv":
					err = r.WriteCSV(&buf)
				case "json":
					enc := json.NewEncoder(&buf)
					enc.SetIndent("", "  ")
					err = enc.Encode(r)
				case "pdf":
					err = export.ReportPDF(&buf, r, a.printer())
				}
				if err != nil {
					return fmt.Errorf("report: %w", err)
				}
				w := a.stdout
				if format != "text" {
					w = present.Raw(w) // JSON and CSV are data: the terminal boundary is for text
				}
				return writeOut(w, out, buf.Bytes())
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&from, "from", "", "first day of the period (YYYY-MM-DD; default 12 months ago)")
	fl.StringVar(&to, "to", "", "last day of the period (YYYY-MM-DD; default today)")
	fl.StringVar(&centre, "centre", "", "only the caseload of this centre")
	fl.StringVar(&region, "region", "", "only people living in this region (NUTS code prefix)")
	fl.IntVar(&k, "k", report.DefaultK, "smallest number of people a printed cell may be about (5 or more)")
	fl.StringVar(&format, "format", "text", "text, json, csv or pdf")
	fl.StringVarP(&out, "output", "o", "", "output file (default standard output)")
	fl.BoolVar(&asJSON, "json", false, "print the report as one JSON document (same as --format json)")
	return cmd
}

// writeOut writes b to stdout, or to the file beside which it is written
// first and renamed (never a half-written report).
func writeOut(stdout io.Writer, out string, b []byte) error {
	if out == "" || out == "-" {
		_, err := stdout.Write(b)
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".koers-report-*")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("report %s: %w", out, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("report %s: %w", out, err)
	}
	return os.Rename(tmp.Name(), out)
}
