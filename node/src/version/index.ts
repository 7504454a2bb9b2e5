export { HybridLogicalClock } from './hlc';
export { compareVersions, formatVersion, isNodeId, isVersion, parseVersion, NODE_ID_HEX_DIGITS, type Version } from './version';
