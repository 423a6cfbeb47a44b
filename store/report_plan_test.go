package store

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

// TestReportQueryPlans reads SQLite's plan of every report query (EXPLAIN
// QUERY PLAN, on a migrated database; the planner's choice depends on the
// indexes, not on the data): the passes over large tables read covering
// indexes, not table rows, and no GROUP BY sorts.
func TestReportQueryPlans(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	// The passes over large tables, each with its index (migration 0021).
	covered := map[string]bool{"Sessions": true, "PlanMade": true, "Steps": true, "Entries": true}
	v := reflect.ValueOf(sqliteReport)
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		q := v.Field(i).String()
		t.Run(name, func(t *testing.T) {
			rows, err := st.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, "2025-12-02", "2026-12-02", "", "", "")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			all := strings.Join(plan, "\n")
			t.Logf("%s:\n%s", name, all)
			if strings.Contains(all, "USE TEMP B-TREE") {
				t.Errorf("%s sorts:\n%s", name, all)
			}
			if covered[name] && !strings.Contains(all, "COVERING INDEX") {
				t.Errorf("%s reads table rows where a covering index serves:\n%s", name, all)
			}
		})
	}
}
