//! Finding the saved logins for a page among many without looking at each.
//!
//! Every web URL is filed under its [`Site::base`](super::Site::base) (the
//! registrable domain, or the whole host or address when there is none).
//! Whatever the mode, a saved URL can only match pages with that same key,
//! so a page looks at one bucket plus the few regular-expression URLs that
//! have to be tried everywhere.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;

use super::mode::MatchMode;
use super::page::PageUrl;
use super::reason::{MatchReason, NoMatch};
use super::saved::SavedTarget;

/// Saved URLs of many entries, ready to be matched against pages.
///
/// `K` identifies what a URL belongs to (an entry id); one key may have any
/// number of URLs.
#[derive(Clone, Debug)]
pub struct SavedUrlIndex<K> {
    targets: Vec<(K, SavedTarget)>,
    by_site: HashMap<String, Vec<usize>>,
    everywhere: Vec<usize>,
    unusable: Vec<(K, NoMatch)>,
}

impl<K: Clone + Eq + Hash> SavedUrlIndex<K> {
    /// Reads every saved URL once. URLs that can never match a web page (an
    /// `androidapp://` address, a regular expression that does not compile,
    /// text that is not a URL) are kept aside with the reason, for
    /// [`SavedUrlIndex::unusable`].
    pub fn build<I, S>(urls: I) -> SavedUrlIndex<K>
    where
        I: IntoIterator<Item = (K, S, MatchMode)>,
        S: AsRef<str>,
    {
        let mut index = SavedUrlIndex {
            targets: Vec::new(),
            by_site: HashMap::new(),
            everywhere: Vec::new(),
            unusable: Vec::new(),
        };

        for (key, text, mode) in urls {
            let target = match SavedTarget::parse(text.as_ref(), mode) {
                Ok(SavedTarget::Never) => continue,
                Ok(target) => target,
                Err(reason) => {
                    index.unusable.push((key, reason));
                    continue;
                }
            };

            let position = index.targets.len();
            match target.key() {
                Some(site) => index.by_site.entry(site).or_default().push(position),
                None => index.everywhere.push(position),
            }
            index.targets.push((key, target));
        }
        index
    }

    /// The keys whose URLs match `page`, each once with its most specific
    /// reason, most specific first (an exact login page before a whole-site
    /// login); keys with equally specific matches keep the order they were
    /// given in.
    pub fn candidates(&self, page: &PageUrl) -> Vec<(K, MatchReason)> {
        let bucket = self
            .by_site
            .get(&page.site().base())
            .map(Vec::as_slice)
            .unwrap_or_default();

        let mut best: HashMap<&K, (usize, MatchReason)> = HashMap::new();
        for &position in bucket.iter().chain(&self.everywhere) {
            let (key, target) = &self.targets[position];
            let Ok(reason) = target.check(page) else {
                continue;
            };

            match best.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert((position, reason));
                }
                Entry::Occupied(mut slot) => {
                    let (first, current) = slot.get();
                    if reason.rank() < current.rank() {
                        let first = (*first).min(position);
                        slot.insert((first, reason));
                    }
                }
            }
        }

        let mut found: Vec<(usize, K, MatchReason)> = best
            .into_iter()
            .map(|(key, (position, reason))| (position, key.clone(), reason))
            .collect();
        found.sort_by_key(|(position, _, reason)| (reason.rank(), *position));
        found
            .into_iter()
            .map(|(_, key, reason)| (key, reason))
            .collect()
    }

    /// Every saved URL's verdict for `page`, matching or not, in the order
    /// they were given: what a "why is my login not suggested here?" view
    /// shows. This looks at every URL, so it is for one person's question,
    /// not for every page load.
    pub fn explain(&self, page: &PageUrl) -> Vec<(K, Result<MatchReason, NoMatch>)> {
        let mut verdicts: Vec<(K, Result<MatchReason, NoMatch>)> = self
            .targets
            .iter()
            .map(|(key, target)| (key.clone(), target.check(page)))
            .collect();
        verdicts.extend(
            self.unusable
                .iter()
                .map(|(key, reason)| (key.clone(), Err(reason.clone()))),
        );
        verdicts
    }

    /// Saved URLs that can never match any web page, with the reason.
    pub fn unusable(&self) -> &[(K, NoMatch)] {
        &self.unusable
    }

    /// How many saved URLs take part in matching.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether no saved URL takes part in matching.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }
}
