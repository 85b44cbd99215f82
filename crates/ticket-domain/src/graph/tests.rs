//! Every relation and readiness rule, as tables: a graph written in a line per ticket, and what
//! each ticket's reasons must be.

use super::*;

/// `id status [blocked] [dep=a,b] [parent=p] [dup=x] [sup=y] [rel=z]`
fn node(line: &str) -> GraphNode {
    let mut words = line.split_whitespace();
    let id = TicketId::new(words.next().expect("an id")).expect("valid");
    let status = TicketStatus::parse(words.next().expect("a status"));
    let mut n = GraphNode {
        id,
        status,
        readiness_blocked: false,
        relations: Relations::default(),
    };
    for w in words {
        if w == "blocked" {
            n.readiness_blocked = true;
            continue;
        }
        let (key, ids) = w.split_once('=').expect("key=ids");
        let kind = match key {
            "dep" => RelationKind::DependsOn,
            "parent" => RelationKind::Parent,
            "dup" => RelationKind::DuplicateOf,
            "sup" => RelationKind::Supersedes,
            "rel" => RelationKind::Related,
            other => panic!("unknown key {other}"),
        };
        for t in ids.split(',') {
            n.relations
                .get_mut(kind)
                .push(TicketId::new(t).expect("valid"));
        }
    }
    n
}

fn graph(lines: &str) -> Graph {
    let mut g = Graph::new();
    for line in lines.lines().map(str::trim).filter(|l| !l.is_empty()) {
        g.insert(node(line));
    }
    g
}

/// A reason as the tables write it: `code`, `code:id` or `code:id<via`.
fn short(r: &Reason) -> String {
    match r {
        Reason::DependsOnOpen {
            id, via: Some(v), ..
        }
        | Reason::DependsOnMissing { id, via: Some(v) } => format!("{}:{id}<{v}", r.code()),
        other => match other.blocker() {
            Some(id) => format!("{}:{id}", r.code()),
            None => r.code().to_owned(),
        },
    }
}

/// (graph, [(ticket, its reasons joined by spaces; "" = ready)])
fn check(cases: &[(&str, &[(&str, &str)])]) {
    for (lines, want) in cases {
        let g = graph(lines);
        same_from_catalog(&g);
        let report = g.readiness();
        for (id, expected) in *want {
            let got: Vec<String> = report
                .reasons(id)
                .unwrap_or_else(|| panic!("{id} not in graph:\n{lines}"))
                .iter()
                .map(short)
                .collect();
            assert_eq!(got.join(" "), *expected, "{id} in:\n{lines}");
            assert_eq!(report.is_ready(id), expected.is_empty());
        }
    }
}

/// A catalog of the graph's tickets says of each what the whole graph says.
fn same_from_catalog(g: &Graph) {
    let mut catalog = Catalog::new();
    for n in g.nodes() {
        catalog.insert(n.clone());
    }
    let report = g.readiness();
    for n in g.nodes() {
        let id = n.id.as_str();
        let want = (g.inverses(id), report.reasons(id).map(<[Reason]>::to_vec));
        assert_eq!(catalog.derive(id), want, "{id} in {:?}", g.nodes());
    }
    assert_eq!(catalog.derive("absent"), (Inverses::default(), None));
}

#[test]
fn status_and_readiness_rules() {
    check(&[(
        "a open\nb pending\nc closed\nd open blocked\ne wip",
        &[
            ("a", ""),
            ("b", "not_open"),
            ("c", "not_open"),
            ("d", "readiness_blocked"),
            ("e", "not_open"),
        ],
    )]);
}

#[test]
fn depends_on_rules() {
    check(&[
        // Resolved only when closed; pending is not resolved.
        (
            "a open dep=b\nb closed\nc open dep=d\nd open\ne open dep=f\nf pending",
            &[
                ("a", ""),
                ("c", "depends_on_open:d"),
                ("e", "depends_on_open:f"),
            ],
        ),
        // A missing target blocks, named; every blocker is listed, each once.
        (
            "a open dep=x,b,x,c\nb open\nc closed",
            &[("a", "depends_on_missing:x depends_on_open:b")],
        ),
        // Readiness and dependencies both count.
        (
            "a open blocked dep=b\nb open",
            &[("a", "readiness_blocked depends_on_open:b")],
        ),
        // A pending ticket keeps its own reasons after not_open.
        (
            "a pending dep=b\nb open",
            &[("a", "not_open depends_on_open:b")],
        ),
    ]);
}

#[test]
fn redirect_rules() {
    check(&[
        // A closed duplicate redirects to its original.
        (
            "a open dep=b\nb closed dup=c\nc open\nd open dep=e\ne closed dup=f\nf closed",
            &[("a", "depends_on_open:c<b"), ("d", "")],
        ),
        // A closed superseded ticket redirects to the ticket that supersedes it.
        (
            "a open dep=b\nb closed\ns open sup=b",
            &[("a", "depends_on_open:s<b"), ("s", "")],
        ),
        // Chains are followed to the end; a missing end blocks.
        (
            "a open dep=b\nb closed dup=c\nc closed dup=d\nd pending\nx open dep=y\ny closed dup=gone",
            &[
                ("a", "depends_on_open:d<b"),
                ("x", "depends_on_missing:gone<y"),
            ],
        ),
        // An open duplicate is simply open: redirects apply to closed targets only.
        (
            "a open dep=b\nb open dup=c\nc closed",
            &[("a", "depends_on_open:b")],
        ),
        // A cycle of redirects among closed tickets ends: resolved, and nothing hangs.
        (
            "a open dep=b\nb closed dup=c\nc closed dup=b\nd open dep=e\ne closed dup=e",
            &[("a", ""), ("d", "")],
        ),
        // Redirects are not edges of cycles: they never block by themselves.
        ("a open dup=b\nb open dup=a", &[("a", ""), ("b", "")]),
    ]);
}

#[test]
fn parent_rules() {
    check(&[
        // A blocked ancestor blocks, however far up; the nearest one blocked on its own is named.
        (
            "g open blocked\np open parent=g\nc open parent=p\nx open parent=c",
            &[
                ("g", "readiness_blocked"),
                ("p", "ancestor_blocked:g"),
                ("c", "ancestor_blocked:g"),
                ("x", "ancestor_blocked:g"),
            ],
        ),
        // Blocked by a dependency counts as blocked; a pending parent that is not blocked does
        // not block; a closed ancestor passes on what blocks above it.
        (
            "p open dep=q\nq open\nc open parent=p\nr pending\nd open parent=r\ng open blocked\nm closed parent=g\ne open parent=m",
            &[
                ("c", "ancestor_blocked:p"),
                ("d", ""),
                ("m", "not_open ancestor_blocked:g"),
                ("e", "ancestor_blocked:g"),
            ],
        ),
        // A missing parent blocks; a closed parent with nothing above does not.
        (
            "a open parent=nope\nb open parent=c\nc closed",
            &[("a", "parent_missing:nope"), ("b", "")],
        ),
        // A child of a child of a parent that is not open but blocked: still blocked.
        (
            "p pending blocked\nc open parent=p\nk open parent=c",
            &[("c", "ancestor_blocked:p"), ("k", "ancestor_blocked:p")],
        ),
        // Several parents: each distinct blocker once.
        (
            "p1 open blocked\np2 open dep=zz\nc open parent=p1,p2",
            &[("c", "ancestor_blocked:p1 ancestor_blocked:p2")],
        ),
    ]);
}

#[test]
fn cycle_rules() {
    check(&[
        // Through depends_on, through parent, and mixed; a self link is a cycle of one.
        (
            "a open dep=b\nb open dep=a\nc open parent=d\nd open parent=c\ne open dep=f\nf open parent=e\ns open dep=s",
            &[
                ("a", "in_cycle:b depends_on_open:b"),
                ("b", "in_cycle:a depends_on_open:a"),
                ("c", "in_cycle:d"),
                ("d", "in_cycle:c"),
                ("e", "in_cycle:f depends_on_open:f"),
                ("f", "in_cycle:e"),
                ("s", "in_cycle:s depends_on_open:s"),
            ],
        ),
        // A cycle blocks the children of its tickets; related edges never make cycles; a
        // cycle among closed tickets still shows, but they were never going to be ready.
        (
            "a open dep=b\nb closed dep=a\nk open parent=a\nr open rel=q\nq open rel=r",
            &[
                ("a", "in_cycle:b"),
                ("b", "not_open in_cycle:a depends_on_open:a"),
                ("k", "ancestor_blocked:a"),
                ("r", ""),
                ("q", ""),
            ],
        ),
    ]);
}

#[test]
fn cycles_are_listed_sorted_with_their_members() {
    let g = graph(
        "c open dep=a\na open dep=b\nb open dep=c\nz open dep=y\ny open parent=z\nq open dep=a",
    );
    let report = g.readiness();
    let cycles: Vec<Vec<&str>> = report
        .cycles
        .iter()
        .map(|c| c.iter().map(TicketId::as_str).collect())
        .collect();
    assert_eq!(cycles, vec![vec!["a", "b", "c"], vec!["y", "z"]]);
    assert_eq!(g.cycles(), report.cycles);
    let Some([Reason::InCycle { cycle, len, .. }, ..]) = report.reasons("y") else {
        panic!("y is on a cycle");
    };
    assert_eq!((*cycle, *len), (1, 2));
    // Outside the cycle, waiting on it: an open dependency, not a cycle.
    assert_eq!(
        report
            .reasons("q")
            .map(|r| r.iter().map(short).collect::<Vec<_>>()),
        Some(vec!["depends_on_open:a".to_owned()])
    );
}

/// A cycle of 100,000 tickets and a parent chain as long: walked on the heap, in linear time.
#[test]
fn long_cycles_and_chains_do_not_overflow() {
    for n in [10_000usize, 100_000] {
        let mut g = Graph::new();
        for i in 0..n {
            g.insert(node(&format!("t{i} open dep=t{}", (i + 1) % n)));
        }
        let report = g.readiness();
        assert_eq!(report.cycles.len(), 1);
        assert_eq!(report.cycles[0].len(), n);
        assert!(!report.is_ready("t0"));
        assert!(
            g.path("t0", &format!("t{}", n - 1))
                .is_some_and(|p| p.len() == n)
        );

        let mut chain = Graph::new();
        chain.insert(node("t0 open blocked"));
        for i in 1..n {
            chain.insert(node(&format!("t{i} open parent=t{}", i - 1)));
        }
        let report = chain.readiness();
        assert!(report.cycles.is_empty());
        let last = format!("t{}", n - 1);
        assert_eq!(
            report
                .reasons(&last)
                .map(|r| r.iter().map(short).collect::<Vec<_>>()),
            Some(vec!["ancestor_blocked:t0".to_owned()])
        );

        let mut dups = Graph::new();
        dups.insert(node("a open dep=d0"));
        for i in 0..n {
            dups.insert(node(&format!("d{i} closed dup=d{}", (i + 1) % n)));
        }
        assert!(dups.readiness().is_ready("a"));
    }
}

#[test]
fn paths_show_the_cycle_a_link_would_close() {
    let g = graph("a open dep=b\nb open parent=c\nc open\nd open rel=a");
    let ids = |p: Option<Vec<TicketId>>| {
        p.map(|p| p.iter().map(|i| i.as_str().to_owned()).collect::<Vec<_>>())
    };
    assert_eq!(
        ids(g.path("a", "c")),
        Some(vec!["a".into(), "b".into(), "c".into()])
    );
    assert_eq!(ids(g.path("c", "a")), None);
    // related edges are not paths
    assert_eq!(ids(g.path("d", "a")), None);
    assert_eq!(ids(g.path("a", "nope")), None);
}

#[test]
fn inverses_and_unknown_targets() {
    let g = graph(
        "a open dep=b,b,x parent=p rel=b\nb open sup=c dup=d\nc closed\nd open\np open\ne open dep=b",
    );
    let inv = g.inverses("b");
    let names = |v: &[TicketId]| v.iter().map(|i| i.as_str().to_owned()).collect::<Vec<_>>();
    assert_eq!(names(&inv.blocks), ["a", "e"]);
    assert_eq!(names(&inv.related_by), ["a"]);
    assert_eq!(names(&g.inverses("p").children), ["a"]);
    assert_eq!(names(&g.inverses("c").superseded_by), ["b"]);
    assert_eq!(names(&g.inverses("d").duplicated_by), ["b"]);
    assert_eq!(names(&g.unknown_targets()), ["x"]);
    // The first ticket inserted under an id wins.
    let mut g = graph("a open");
    g.insert(node("a closed dep=z"));
    assert_eq!(g.len(), 1);
    assert!(g.unknown_targets().is_empty());
}

#[test]
fn reasons_name_their_blocker_in_words_and_json() {
    let g = graph("a open dep=b,gone parent=p\nb closed dup=c\nc pending\np open blocked");
    let report = g.readiness();
    let reasons = report.reasons("a").expect("a");
    let words: Vec<String> = reasons.iter().map(ToString::to_string).collect();
    assert_eq!(
        words,
        [
            "depends on b, closed in favour of c, which is pending",
            "depends on gone, which does not exist",
            "its ancestor p is blocked",
        ]
    );
    // Hand-rolled JSON check without serde_json: the tag and the fields are there.
    let json = format!("{:?}", reasons.iter().map(Reason::code).collect::<Vec<_>>());
    assert_eq!(
        json,
        r#"["depends_on_open", "depends_on_missing", "ancestor_blocked"]"#
    );
}

mod catalog {
    use proptest::prelude::*;

    use super::*;

    const STATUSES: [&str; 4] = ["open", "pending", "closed", "closed"];
    const KEYS: [&str; 5] = ["dep", "parent", "dup", "sup", "rel"];

    /// A line of `node`'s table: one of eight ids (`t7` may be left out, to dangle), a status,
    /// maybe blocked, and a few edges of any kind to any id.
    fn line() -> impl Strategy<Value = String> {
        (
            0..8usize,
            0..4usize,
            any::<bool>(),
            proptest::collection::vec((0..5usize, 0..8usize), 0..4),
        )
            .prop_map(|(id, status, blocked, edges)| {
                let mut out = format!("t{id} {}", STATUSES[status]);
                if blocked {
                    out.push_str(" blocked");
                }
                for (key, target) in edges {
                    out.push_str(&format!(" {}=t{target}", KEYS[key]));
                }
                out
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn a_catalog_says_what_the_whole_graph_says(
            lines in proptest::collection::vec(line(), 1..12),
        ) {
            same_from_catalog(&graph(&lines.join("\n")));
        }
    }

    #[test]
    fn cycles_keep_their_number_among_every_cycle() {
        let g = graph(
            "a open dep=b\n b open dep=a\n c open dep=d\n d open dep=c parent=e\n e closed\n f open dep=c",
        );
        same_from_catalog(&g);
    }
}
